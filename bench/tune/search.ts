// The search over a kernel's candidates, apart from any GPU so the tests can drive it with fakes:
// prune what cannot run, check that each remaining candidate computes what the baseline (the shipped
// default) computes, then time the correct ones — several runs, interleaved, each candidate scored by its
// least time — and keep the fastest. Correct first, then fast: a candidate that fails the check is never
// timed, however fast it would be.
//
// With a budget (a GEMM's space has hundreds of candidates, each a pipeline to compile), the candidates
// are taken in the plan's order (tune puts those nearest the default first, see nearestFirst):
// checking stops once half the budget is spent, the first timing run covers every correct candidate, and
// each later run only the faster half of the previous one (the baseline always stays), until the runs
// are done or the budget is. What was never tried is counted in the outcome, never hidden.

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
  /** Wall-clock budget of the whole search in ms (default: none, every candidate is checked and timed `runs` times). */
  budgetMs?: number;
  /** The clock the budget is measured on (default performance.now; tests give a fake one). */
  now?(): number;
  log?(line: string): void;
}

export interface SearchOutcome<C> {
  best: C;
  bestMs: number;
  baselineMs: number;
  timings: { candidate: C; ms: number }[];
  rejected: { candidate: C; reason: string }[];
  /** Candidates (besides the baseline) the search considered, and those it never checked because the budget ran out. */
  candidates: number;
  untried: number;
}

export async function searchCandidates<C>(plan: SearchPlan<C>): Promise<SearchOutcome<C>> {
  const log = plan.log ?? (() => {});
  const now = plan.now ?? (() => performance.now());
  const start = now();
  const budget = plan.budgetMs ?? Infinity;
  const baseKey = plan.key(plan.baseline);
  const rejected: { candidate: C; reason: string }[] = [];
  const correct: C[] = [plan.baseline];
  const seen = new Set([baseKey]);
  const distinct = plan.candidates.filter((c) => { const k = plan.key(c); if (seen.has(k)) return false; seen.add(k); return true; });
  let tried = 0;
  for (const c of distinct) {
    if (now() - start >= budget / 2) break;
    tried++;
    const why = plan.prune(c) ?? (await plan.check(c).catch((e: Error) => `failed to run: ${e.message}`));
    if (why) {
      rejected.push({ candidate: c, reason: why });
      log(`  ${plan.key(c)}: rejected (${why})`);
    } else correct.push(c);
  }
  const untried = distinct.length - tried;
  if (untried > 0) log(`  the budget allowed checking ${tried} of ${distinct.length} candidates; ${untried} were never tried`);
  const scores = new Map<C, number>(correct.map((c) => [c, Infinity]));
  const runs = plan.runs ?? 3;
  log(`  ${correct.length} correct candidates (${rejected.length} rejected); timing each ${Number.isFinite(budget) ? 'up to ' : ''}${runs} times`);
  let timedThisRun = correct;
  for (let r = 0; r < runs; r++) {
    if (r > 0) {
      if (now() - start >= budget) { log(`  budget spent after ${r} timing run(s)`); break; }
      // Budgeted: the later runs time the faster half only (the baseline always), so the budget goes to the contenders.
      if (Number.isFinite(budget)) {
        const ranked = timedThisRun.filter((c) => scores.has(c)).sort((a, b) => scores.get(a)! - scores.get(b)!);
        timedThisRun = [...new Set([plan.baseline, ...ranked.slice(0, Math.max(1, Math.ceil(ranked.length / 2)))])];
      }
      log(`  timing round ${r + 1} of ${runs} (${timedThisRun.length} candidates); best so far ${Math.min(...scores.values()).toPrecision(4)} ms`);
    }
    // Each run starts at another candidate, so none is always timed first.
    for (let k = 0; k < timedThisRun.length; k++) {
      const c = timedThisRun[(k + r) % timedThisRun.length]!;
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
  return { best: best.candidate, bestMs: best.ms, baselineMs, timings, rejected, candidates: distinct.length, untried };
}
