// Colours: a categorical palette for series and a sequential scale for values (heatmaps), built on
// d3-scale's interpolating linear scale, and the text colour that stays readable on a given fill.
import { scaleLinear } from 'd3-scale';

/** Tableau 10: distinguishable, and friendlier to colour-blind readers than a rainbow. */
export const CATEGORY_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

/** The i-th categorical colour (the palette repeats past 10 series). */
export function categoryColor(i: number): string {
  return CATEGORY_COLORS[((i % CATEGORY_COLORS.length) + CATEGORY_COLORS.length) % CATEGORY_COLORS.length]!;
}

/** Viridis at five stops: perceptually even, readable in grey, colour-blind safe. */
export const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;

/**
 * A colour per value over `domain` (values outside are clamped), interpolating `stops` evenly in RGB.
 * Returns "rgb(r, g, b)", which SVG, browsers and resvg all read.
 */
export function sequentialColor(domain: readonly [number, number] = [0, 1], stops: readonly string[] = VIRIDIS): (value: number) => string {
  const [lo, hi] = domain;
  const positions = stops.map((_, i) => lo + ((hi - lo) * i) / Math.max(1, stops.length - 1));
  const scale = scaleLinear<string>().domain(positions).range([...stops]).clamp(true);
  return (value) => scale(value);
}

/** Red/green/blue 0–255 of "#rrggbb", "#rgb", "rgb(r, g, b)" or "hsl(h s% l%)" (commas or spaces); null for anything else. */
export function parseColor(color: string): [number, number, number] | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (hex) {
    const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
    return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgb\(\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*\)$/i.exec(color.trim());
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const hsl = /^hsl\(\s*(-?[\d.]+)(?:deg)?[\s,]+([\d.]+)%[\s,]+([\d.]+)%\s*\)$/i.exec(color.trim());
  return hsl ? hslToRgb(Number(hsl[1]), Number(hsl[2]) / 100, Number(hsl[3]) / 100) : null;
}

/** CSS's hsl() to 0–255 channels (the formula of CSS Color 4). */
function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/** Black or white, whichever contrasts more with `fill` (WCAG relative luminance). */
export function textColorOn(fill: string): '#000000' | '#ffffff' {
  const rgb = parseColor(fill);
  if (!rgb) return '#000000';
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}
