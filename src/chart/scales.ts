// Linear axes on d3-scale: a domain rounded outwards to nice values, its round tick values and their
// labels (d3's tick format, with a real minus sign), and a band scale for categories.
import { scaleBand, scaleLinear, type ScaleBand, type ScaleLinear } from 'd3-scale';

export interface LinearAxisOptions {
  /** About how many ticks (d3 picks steps of 1, 2 or 5 × 10^k). Default 6. */
  tickCount?: number;
  /** Round the domain outwards to tick values. Default true. */
  nice?: boolean;
  /** Only whole-number ticks (counts such as tasks learned). */
  integer?: boolean;
  /** Values outside the domain land on its edge instead of leaving the plot. */
  clamp?: boolean;
  /** A d3-format specifier for the tick labels, e.g. "%" (default: precision from the tick step). */
  tickSpecifier?: string;
}

export interface LinearAxis {
  scale: ScaleLinear<number, number>;
  ticks: number[];
  format: (value: number) => string;
}

/**
 * The domain a chart can draw: a span of zero (one value, or a constant series) is widened around the
 * value, and no data at all gives [0, 1], so every chart has axes.
 */
export function drawableDomain(values: Iterable<number>, fallback: readonly [number, number] = [0, 1]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo > hi) return [fallback[0], fallback[1]];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** A linear scale from `domain` to `range` (pixels) with its ticks and tick labels. */
export function linearAxis(domain: readonly [number, number], range: readonly [number, number], options: LinearAxisOptions = {}): LinearAxis {
  const tickCount = options.tickCount ?? 6;
  const [lo, hi] = drawableDomain(domain);
  const scale = scaleLinear().domain([lo, hi]).range([range[0], range[1]]);
  if (options.nice ?? true) scale.nice(tickCount);
  if (options.clamp) scale.clamp(true);
  let ticks = scale.ticks(tickCount);
  if (options.integer) {
    ticks = ticks.filter((t) => Number.isInteger(t));
    // A span under one step of 1 (e.g. [1, 1.5]) still gets its whole-number ends.
    if (ticks.length === 0) ticks = [Math.ceil(lo), Math.floor(hi)].filter((t, i, a) => t >= lo && t <= hi && a.indexOf(t) === i);
  }
  const format = scale.tickFormat(tickCount, options.tickSpecifier ?? (options.integer ? 'd' : undefined));
  return { scale, ticks, format: (v) => format(v) };
}

/**
 * Evenly spaced bands for `count` categories (bars, heatmap rows), with `padding` between them (0–1).
 * The domain is the index, not the label, so two categories with one name still get two bands.
 */
export function bandScale(count: number, range: readonly [number, number], padding = 0.2): ScaleBand<number> {
  return scaleBand<number>().domain(Array.from({ length: count }, (_, i) => i)).range([range[0], range[1]]).paddingInner(padding).paddingOuter(padding / 2);
}
