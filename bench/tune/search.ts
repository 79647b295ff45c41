// The search over a kernel's candidates, apart from any GPU so the tests can drive it with fakes:
// prune what cannot run, check that each remaining candidate computes what the baseline (the shipped
// default) computes, then time the correct ones — several runs, interleaved, each candidate scored by its
// least time — and keep the fastest. Correct first, then fast: a candidate that fails the check is never
// timed, however fast it would be.

export interface SearchPlan<C> {
  /** What runs without tuning; always checked against itself trivially and timed, so the best is never worse. */
  baseline: C;
  candidates: readonly C[];
  /** A stable key of a candidate (to skip the baseline among the candidates). */
  key(candidate: C): string;
  /** Why a candidate cannot run on this device (over its limits), or null. */
  prune(candidate: C): string | null;
  /** Why a candidate's output differs from the baseline's on a random input, or null when it matches. */
  check(candidate: C): Promise<string | null>;
  /** One timing run: ms per call (lower is better). */
  time(candidate: C): Promise<number>;
  /** Timing runs per candidate; the score is the least. Default 3. */
  runs?: number;
  log?(line: string): void;
}

export interface SearchOutcome<C> {
  best: C;
  bestMs: number;
  baselineMs: number;
  timings: { candidate: C; ms: number }[];
  rejected: { candidate: C; reason: string }[];
}

export async function searchCandidates<C>(plan: SearchPlan<C>): Promise<SearchOutcome<C>> {
  const log = plan.log ?? (() => {});
  const baseKey = plan.key(plan.baseline);
  const rejected: { candidate: C; reason: string }[] = [];
  const correct: C[] = [plan.baseline];
  const seen = new Set([baseKey]);
  for (const c of plan.candidates) {
    const key = plan.key(c);
    if (seen.has(key)) continue;
    seen.add(key);
    const why = plan.prune(c) ?? (await plan.check(c).catch((e: Error) => `failed to run: ${e.message}`));
    if (why) {
      rejected.push({ candidate: c, reason: why });
      log(`  ${key}: rejected (${why})`);
    } else correct.push(c);
  }
  const scores = new Map<C, number>(correct.map((c) => [c, Infinity]));
  const runs = plan.runs ?? 3;
  log(`  ${correct.length} correct candidates (${rejected.length} rejected); timing each ${runs} times`);
  for (let r = 0; r < runs; r++) {
    if (r > 0) log(`  timing round ${r + 1} of ${runs}; best so far ${Math.min(...scores.values()).toPrecision(4)} ms`);
    // Each run starts at another candidate, so none is always timed first.
    for (let k = 0; k < correct.length; k++) {
      const c = correct[(k + r) % correct.length]!;
      if (!scores.has(c)) continue;
      try {
        scores.set(c, Math.min(scores.get(c)!, await plan.time(c)));
      } catch (e) {
        if (c === plan.baseline) throw e;
        scores.delete(c);
        rejected.push({ candidate: c, reason: `failed while timed: ${(e as Error).message}` });
      }
    }
  }
  const timings = [...scores].map(([candidate, ms]) => ({ candidate, ms })).sort((a, b) => a.ms - b.ms);
  const baselineMs = scores.get(plan.baseline)!;
  // Ties keep the baseline: a choice is stored only when it is strictly faster.
  const best = timings[0]!.ms < baselineMs ? timings[0]! : { candidate: plan.baseline, ms: baselineMs };
  for (const t of timings) log(`  ${plan.key(t.candidate)}: ${t.ms.toPrecision(4)} ms${t.candidate === best.candidate ? '  ← best' : ''}`);
  return { best: best.candidate, bestMs: best.ms, baselineMs, timings, rejected };
}
