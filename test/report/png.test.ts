// The PNG views of the report's plots: real pixels, text drawn with the bundled fonts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderSvg } from '../../src/report/png.ts';
import { accuracyHeatmapSvg, averageAccuracySvg, forgettingSvg, maskUsageSvg } from '../../src/report/report.ts';
import { accuracyMetrics, metricsOverSeeds } from '../../src/eval/accuracy-metrics.ts';

/** Dark pixels (any channel under 128) in the rectangle [x0, x1) × [y0, y1). */
function darkPixels(r: { pixels: Uint8Array; width: number }, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const i = 4 * (y * r.width + x);
    if (r.pixels[i]! < 128 || r.pixels[i + 1]! < 128 || r.pixels[i + 2]! < 128) n++;
  }
  return n;
}

test('renderSvg: a PNG of the scaled size whose text is drawn (fonts come with the package)', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" font-family="Helvetica, Arial, sans-serif"><rect x="150" y="10" width="40" height="40" fill="#1f77b4"/><text x="10" y="40" font-size="24">ρ Text</text></svg>';
  const r = renderSvg(svg, 2);
  assert.equal(Array.from(r.png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.is(r.width, 400);
  assert.is(r.height, 120);
  assert.ok(darkPixels(r, 20, 20, 280, 100) > 200, 'the text left no ink: no font was found');
  assert.is(darkPixels(r, 0, 0, 10, 10), 0, 'the background is white');
  const i = 4 * (60 * r.width + 340); // inside the blue square
  assert.equal([r.pixels[i], r.pixels[i + 1], r.pixels[i + 2]], [0x1f, 0x77, 0xb4]);
});

test('renderSvg: the report plots render (the chart module\'s SVG is what resvg reads)', () => {
  const metrics = metricsOverSeeds([accuracyMetrics([[0.9], [0.8, 0.95]]), accuracyMetrics([[0.92], [0.7, 0.9]])]);
  const summary = {
    approach: 'hat', seeds: [0, 1], rho: [{ mean: 0, half: 0.01, n: 2 }, { mean: -0.3, half: 0.1, n: 2 }], accuracy: [[0.9], [0.8, 0.95]], maskUsage: null,
    accuracyTaskAgnostic: [[0.9], [0.6, 0.7]], metrics: { taskAware: metrics, taskAgnostic: metrics }, taskInference: [{ mean: 1, half: 0, n: 2 }, { mean: 0.7, half: 0.1, n: 2 }],
  };
  const plots = [maskUsageSvg([[0.4, 0.3], [0.6, 0.5]], ['fc1', 'fc2']), forgettingSvg([summary], 2), accuracyHeatmapSvg(summary, ['a', 'b']), averageAccuracySvg(summary, 2)];
  for (const svg of plots) {
    const r = renderSvg(svg, 1);
    assert.ok(r.width > 100 && r.height > 100);
    assert.ok(darkPixels(r, 0, 0, r.width, r.height) > 500);
  }
});

test('renderSvg: a bad scale and a malformed SVG are errors', () => {
  assert.throws(() => renderSvg('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', 0), /scale must be positive/);
  assert.throws(() => renderSvg('not svg'));
});

test.run();
