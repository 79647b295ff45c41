// The ratio of any two variants of a finished comparison (its `ratios` hold each against the first only).
import { pairedRatio, type RatioInterval, type RunSample } from './ratio.ts';
import type { ComparisonResult, VariantRatio } from './result.ts';

/** The run as it was sampled: the order of names, with each variant's samples taken in turn. */
export function runOf(c: ComparisonResult): RunSample[] {
  const index = new Map(c.variants.map((v, i) => [v.name, i]));
  const next = c.variants.map(() => 0);
  return c.order.map((name) => {
    const v = index.get(name)!;
    return { variant: v, ms: c.variants[v]!.samples[next[v]!++]! };
  });
}

/** time(variant) / time(baseline) with its interval; null when either is not in the comparison. */
export function ratioBetween(c: ComparisonResult, variant: string, baseline: string, confidence = 0.95): VariantRatio | null {
  const x = c.variants.findIndex((v) => v.name === variant), y = c.variants.findIndex((v) => v.name === baseline);
  if (x < 0 || y < 0) return null;
  const r: RatioInterval = pairedRatio(runOf(c), x, y, confidence);
  return { variant, baseline, ...r };
}
