// Runs bundled uvu test files inside a page, one file at a time, and publishes the counts on
// window.__browserTests for scripts/test-browser.mjs. uvu's browser mode: UVU_DEFER keeps it from
// running on import; each file gets its own queue group and its own exec().
import { getEngine } from '../helpers.ts';

export interface FileResult { file: string; total: number; passed: number; failed: number; skipped: number; failures: string[]; ms: number }
export interface BrowserTestReport {
  adapter: { vendor: string; architecture: string; description: string; isCpu: boolean; featureLevel: string; limits: Record<string, number> } | null;
  files: FileResult[];
  done: boolean;
  error: string | null;
}

type Uvu = { exec(bail?: boolean): Promise<void> };
const g = globalThis as unknown as { UVU_DEFER?: number; UVU_QUEUE?: unknown[][]; UVU_INDEX?: number; __browserTests?: BrowserTestReport };

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

export async function runFiles(files: [string, () => Promise<unknown>][]): Promise<BrowserTestReport> {
  const report: BrowserTestReport = { adapter: null, files: [], done: false, error: null };
  g.__browserTests = report;
  g.UVU_DEFER = 1;
  // uvu writes with console.log, captured when it first loads: patch before importing it.
  let captured: string[] = [];
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => { captured.push(args.map(String).join(' ')); log(...args); };
  try {
    const engine = await getEngine();
    const a = engine.adapter;
    const limits: Record<string, number> = {};
    for (const k of ['maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize'] as const) limits[k] = engine.limits[k];
    report.adapter = { vendor: a.vendor, architecture: a.architecture, description: a.description, isCpu: a.isCpu, featureLevel: engine.device.features.has('core-features-and-limits') ? 'core' : 'compatibility', limits };
    const uvu = (await import('uvu')) as unknown as Uvu;
    for (const [file, load] of files) {
      const t0 = performance.now();
      g.UVU_QUEUE = [[file]];
      g.UVU_INDEX = 0;
      captured = [];
      const result: FileResult = { file, total: 0, passed: 0, failed: 0, skipped: 0, failures: [], ms: 0 };
      try {
        await load();
        await uvu.exec(false);
        const text = strip(captured.join('\n'));
        const num = (label: string) => Number((text.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
        result.total = num('Total');
        result.passed = num('Passed');
        result.skipped = num('Skipped');
        result.failed = Math.max(0, result.total - result.passed - result.skipped);
        for (const m of text.matchAll(/FAIL\s+"([^"]+)"\s*\n\s*([^\n]*)/g)) result.failures.push(`${m[1]}: ${m[2]}`);
      } catch (e) {
        result.failed = Math.max(1, result.total - result.passed);
        result.failures.push(`crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
      result.ms = performance.now() - t0;
      report.files.push(result);
    }
    engine.destroy();
  } catch (e) {
    report.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    console.log = log;
    report.done = true;
  }
  return report;
}
