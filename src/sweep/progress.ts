// The sweep's progress on stderr: on a terminal one bar redrawn in place (runs done / total, ETA, what
// runs now); otherwise one line per run that ends. The ETA counts only the runs this session did, so
// results found from an earlier session do not make it look fast.
export interface SweepProgress {
  started(what: string): void;
  finished(what: string, detail: string): void;
  failed(what: string, error: string): void;
  /** Clears the bar. */
  end(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function sweepProgress(total: number, doneBefore: number, out: NodeJS.WriteStream = process.stderr, now = () => performance.now()): SweepProgress {
  const tty = Boolean(out.isTTY);
  const t0 = now();
  let done = doneBefore, failed = 0, current = '';
  const eta = () => {
    const ranHere = done + failed - doneBefore;
    return ranHere === 0 ? '?' : duration(((now() - t0) / 1000 / ranHere) * (total - done - failed));
  };
  const draw = () => {
    if (!tty) return;
    const width = 24, filled = Math.round(((done + failed) / Math.max(1, total)) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done + failed}/${total} runs${failed ? ` (${failed} failed)` : ''}  ETA ${eta()}  ${current}`;
    out.write(`\r\x1b[K${line.slice(0, (out.columns ?? 120) - 1)}`);
  };
  const line = (text: string) => {
    if (tty) out.write('\r\x1b[K');
    out.write(`${text}\n`);
    draw();
  };
  return {
    started(what) { current = what; draw(); },
    finished(what, detail) { done++; line(`[${done + failed}/${total}] ${what}: ${detail}  ETA ${eta()}`); },
    failed(what, error) { failed++; line(`[${done + failed}/${total}] ${what}: FAILED: ${error}`); },
    end() { if (tty) out.write('\r\x1b[K'); },
  };
}
