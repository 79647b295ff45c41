// The kernel lab: time any unit of GPU work (benchKernel), compare variants of it in one interleaved run
// (compareKernels), and report the numbers with the clock they came from.
export type { ClockChoice, ClockKind, KernelWork } from './work.ts';
export { fromDeclaration, fromUnfusedTwin, type DeclarationWorkOptions } from './declaration.ts';
export type { SamplingOptions } from './options.ts';
export type { ComparisonResult, KernelBenchResult, StopReason, VariantRatio } from './result.ts';
export { benchKernel, benchSampler } from './bench-kernel.ts';
export { compareKernels, compareSamplers } from './compare.ts';
export { ratioBetween, runOf } from './pair.ts';
export { engineSampler, resolveClock, wallSampler, type Sampler } from './sampler.ts';
export { median, quantile, summarize, type SampleStats } from './stats.ts';
export { pairedRatio, ratioInterval, type RatioInterval, type RunSample } from './ratio.ts';
export { interleavedRounds, roundOrder } from './schedule.ts';
export { formatComparison, formatRatio, formatResultsTable, resultsChartSvg, resultsJson } from './format.ts';
