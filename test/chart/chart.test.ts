// The chart module: d3's nice domains and ticks, interval bands, rules, heatmap cells, stacked and
// grouped bars, escaping, and charts with no data, all as well-formed SVG.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { barChart, drawableDomain, escapeXml, heatmap, lineChart, linearAxis, parseColor, px, sequentialColor, textColorOn, type LineSeries } from '../../src/chart/index.ts';
import { captures, checkXml } from './xml.ts';

const num = (s: string) => Number(s);

test('linearAxis: nice domain, round ticks, real minus signs, whole-number ticks', () => {
  const rho = linearAxis([-1, 0], [300, 0]);
  assert.equal(rho.ticks, [-1, -0.8, -0.6, -0.4, -0.2, 0]);
  assert.is(rho.format(-0.4), '−0.4', 'd3-format writes U+2212');
  assert.is(rho.scale(-1), 300);
  assert.is(rho.scale(0), 0);
  const nice = linearAxis([0.13, 0.87], [0, 100]);
  assert.equal(nice.scale.domain(), [0.1, 0.9], 'the domain is rounded out to ticks');
  const raw = linearAxis([0.13, 0.87], [0, 100], { nice: false });
  assert.equal(raw.scale.domain(), [0.13, 0.87], 'nice: false keeps the data range');
  assert.ok(raw.ticks.every((t) => t >= 0.13 && t <= 0.87));
  assert.equal(linearAxis([1, 5], [0, 1], { integer: true, tickCount: 5 }).ticks, [1, 2, 3, 4, 5]);
  assert.equal(linearAxis([1, 2], [0, 1], { integer: true, tickCount: 10 }).ticks, [1, 2], 'no 1.5');
  assert.is(linearAxis([1, 2], [0, 1], { integer: true, tickCount: 10 }).format(2), '2');
  assert.is(linearAxis([0, 1], [0, 1], { tickSpecifier: '.0%' }).format(0.4), '40%');
  const clamped = linearAxis([0, 1], [100, 0], { clamp: true });
  assert.is(clamped.scale(7), 0, 'clamped values stay on the plot');
});

test('drawableDomain: no data and constant data still give a span', () => {
  assert.equal(drawableDomain([]), [0, 1]);
  assert.equal(drawableDomain([NaN, Infinity]), [0, 1]);
  assert.equal(drawableDomain([0, 0]), [-1, 1]);
  assert.equal(drawableDomain([2, 2]), [1.8, 2.2]);
  assert.equal(drawableDomain([3, -1, 2]), [-1, 3]);
});

test('svg helpers: escaping and coordinates', () => {
  assert.is(escapeXml(`a<b & "c" 'd'>`), 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  assert.is(px(-0.001), '0', 'no "-0"');
  assert.is(px(12.3456), '12.35');
});

test('colours: viridis ends, clamped, and readable text on each', () => {
  const color = sequentialColor([0, 1]);
  assert.is(color(0), 'rgb(68, 1, 84)');
  assert.is(color(1), 'rgb(253, 231, 37)');
  assert.is(color(2), color(1), 'clamped');
  assert.is(textColorOn(color(0)), '#ffffff');
  assert.is(textColorOn(color(1)), '#000000');
  assert.is(textColorOn('#fff'), '#000000');
  assert.equal(parseColor('hsl(120 70% 42%)'), [32, 182, 32]);
  assert.equal(parseColor('hsl(0, 100%, 50%)'), [255, 0, 0]);
  assert.is(textColorOn('hsl(0 70% 30%)'), '#ffffff');
});

const rhoLike: LineSeries[] = [
  { name: 'hat', points: [{ x: 1, y: 0, low: -0.01, high: 0.01 }, { x: 2, y: -0.1, low: -0.2, high: 0 }, { x: 3, y: -0.2, low: -0.3, high: -0.1 }] },
  { name: 'one seed', points: [{ x: 1, y: 0 }, { x: 2, y: -0.5 }, { x: 3, y: -0.6 }] },
];

test('lineChart: a line and markers per series, a band only where intervals are given, rules and legend', () => {
  const svg = lineChart({
    title: 'rho', heading: 'Forgetting', series: rhoLike, xTitle: 'tasks learned', yTitle: 'ρ', xInteger: true, xDomain: [1, 3],
    rules: [{ axis: 'y', value: 0, name: 'joint', legendLabel: 'joint (ρ = 0)' }, { axis: 'y', value: -1, name: 'random', legendLabel: 'random' }, { axis: 'x', value: 2, label: 'task 2' }],
  });
  checkXml(svg);
  assert.match(svg, /<svg [^>]*role="img"[^>]*aria-label="rho"/);
  assert.match(svg, /<title>rho<\/title>/);
  const groups = captures(svg, /<g class="series" data-name="([^"]*)">/g);
  assert.equal(groups, ['hat', 'one seed']);
  const hat = svg.match(/<g class="series" data-name="hat">([\s\S]*?)<\/g>/)![1]!;
  const single = svg.match(/<g class="series" data-name="one seed">([\s\S]*?)<\/g>/)![1]!;
  assert.is((hat.match(/<path class="band" d="M[^"]+Z"/g) ?? []).length, 1, 'a closed area for the interval');
  assert.is((single.match(/class="band"/g) ?? []).length, 0, 'no interval, no band');
  for (const g of [hat, single]) {
    assert.is((g.match(/<path class="line" d="M/g) ?? []).length, 1);
    assert.is((g.match(/<circle /g) ?? []).length, 3);
  }
  assert.equal(captures(svg, /<line class="rule" data-name="([^"]*)"/g), ['joint', 'random', 'task 2']);
  assert.match(svg, /<g class="rules" stroke-dasharray="5 3"/);
  assert.ok(svg.includes('>joint (ρ = 0)</text>') && svg.includes('>one seed</text>'), 'legend entries');
  assert.ok(svg.includes('>task 2</text>'), 'a rule label on the plot');
  // The y axis covers the rules (−1) and the bands (hat's reaches 0.01, rounded out to the next tick);
  // x ticks are the whole tasks.
  const yTicks = captures(svg, /<text x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]*)<\/text>/g);
  assert.is(yTicks[0], '−1.0');
  assert.is(yTicks.at(-1), '0.2');
  const xTicks = captures(svg, /<text x="[\d.]+" y="[\d.]+" text-anchor="middle">(\d+)<\/text>/g);
  assert.equal(xTicks, ['1', '2', '3']);
});

test('lineChart: the band spans low to high in pixels', () => {
  const svg = lineChart({ title: 't', series: [{ name: 's', points: [{ x: 0, y: 0.5, low: 0.25, high: 0.75 }, { x: 1, y: 0.5, low: 0.25, high: 0.75 }] }], xTitle: 'x', yTitle: 'y', yDomain: [0, 1], xDomain: [0, 1] });
  const d = svg.match(/<path class="band" d="([^"]+)"/)![1]!;
  const ys = [...d.matchAll(/[ML,](-?[\d.]+),(-?[\d.]+)/g)].map((m) => num(m[2]!));
  const line = svg.match(/<path class="line" d="M[\d.]+,([\d.]+)/)![1]!;
  const mid = num(line);
  assert.ok(ys.some((y) => y < mid) && ys.some((y) => y > mid), `the band surrounds the line (${ys} vs ${mid})`);
  assert.ok(Math.abs(Math.max(...ys) - mid - (mid - Math.min(...ys))) < 0.02, 'symmetric interval, symmetric band');
});

test('lineChart: labels and names are escaped everywhere', () => {
  const evil = `a<b> & "c"`;
  const svg = lineChart({ title: evil, heading: evil, series: [{ name: evil, points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] }], rules: [{ axis: 'x', value: 0.5, label: evil, name: evil }], xTitle: evil, yTitle: evil });
  checkXml(svg);
  assert.not.ok(svg.includes('a<b>'), 'no raw label');
  assert.ok(svg.includes('aria-label="a&lt;b&gt; &amp; &quot;c&quot;"'));
  assert.ok(svg.includes('data-name="a&lt;b&gt; &amp; &quot;c&quot;"'));
  assert.ok(svg.includes('<title>a&lt;b&gt; &amp; &quot;c&quot;</title>'));
});

test('lineChart: no series, and series without points, still draw axes and nothing else', () => {
  const none = lineChart({ title: 'empty', series: [], xTitle: 'x', yTitle: 'y' });
  checkXml(none);
  assert.not.ok(none.includes('class="line"') || none.includes('class="band"') || none.includes('class="legend"'));
  assert.ok(none.includes('class="axis x-axis"') && none.includes('>1.0</text>'), 'a [0, 1] axis');
  const empty = lineChart({ title: 'empty', series: [{ name: 'later', points: [] }, { name: 'gaps', points: [{ x: 0, y: NaN }, { x: 1, y: 1 }, { x: 2, y: 2 }] }], xTitle: 'x', yTitle: 'y' });
  checkXml(empty);
  assert.is((empty.match(/class="line"/g) ?? []).length, 1, 'only the series with points has a line');
  assert.is((empty.match(/<circle /g) ?? []).length, 2, 'no marker for the missing value');
  assert.ok(empty.includes('>later</text>'), 'the legend lists it anyway');
  assert.not.ok(empty.includes('NaN'));
});

test('heatmap: a cell per value with its tooltip and readable text, empty cells, turned labels, colour bar', () => {
  const svg = heatmap({
    title: 'acc', rowLabels: ['t<1>', 't2'], columnLabels: ['a long column name', 'b'], values: [[0.1], [0.95, null]],
    format: (v) => (100 * v).toFixed(0), emptyFill: (r, c) => (c <= r ? '#eeeeee' : null), colorBarSpecifier: '.0%', rowTitle: 'after', columnTitle: 'on',
  });
  checkXml(svg);
  assert.is((svg.match(/<rect class="cell"/g) ?? []).length, 2);
  assert.is((svg.match(/<rect class="empty-cell"/g) ?? []).length, 1, 'only the cell the callback fills');
  assert.ok(svg.includes('<title>t&lt;1&gt;, a long column name: 10</title>'));
  assert.match(svg, /<text [^>]*class="value"[^>]*fill="#ffffff">10<\/text>/, 'white on dark');
  assert.match(svg, /<text [^>]*class="value"[^>]*fill="#000000">95<\/text>/, 'black on light');
  assert.match(svg, /transform="rotate\(-35 /, 'the long column label is turned');
  assert.ok(svg.includes('>0%</text>') && svg.includes('>100%</text>'), 'colour bar ends');
  assert.ok(svg.includes('>after</text>') && svg.includes('>on</text>'));
  const plain = heatmap({ title: 'none', rowLabels: [], columnLabels: [], values: [], colorBar: false });
  checkXml(plain);
  assert.not.ok(plain.includes('class="cell"'));
});

test('barChart: stacked segments follow each other (d3 stack), totals, tooltips, track', () => {
  const svg = barChart({
    title: 'masks', categories: ['fc1', 'fc2'], mode: 'stacked', domain: [0, 1], tickSpecifier: '.0%', totals: true, track: true,
    format: (v) => `${(100 * v).toFixed(0)} %`,
    series: [{ name: 'task 1', values: [0.4, 0.3] }, { name: 'task 2', values: [0.2, 0] }, { name: 'task <3>', values: [0.1, 0.2] }],
  });
  checkXml(svg);
  const bars = [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)].map((m) => ({ x: num(m[1]!), y: num(m[2]!), w: num(m[3]!) }));
  assert.is(bars.length, 5, 'a zero share draws nothing');
  const fc1 = bars.filter((b) => b.y === bars[0]!.y);
  assert.is(fc1.length, 3);
  assert.ok(Math.abs(fc1[0]!.x + fc1[0]!.w - fc1[1]!.x) < 0.02 && Math.abs(fc1[1]!.x + fc1[1]!.w - fc1[2]!.x) < 0.02, 'end to end');
  assert.ok(Math.abs(fc1[0]!.w / fc1[1]!.w - 2) < 0.01, 'widths in proportion');
  assert.ok(svg.includes('>70 %</text>') && svg.includes('>50 %</text>'), 'totals per layer');
  assert.ok(svg.includes('<title>task &lt;3&gt;, fc1: 10 %</title>'));
  assert.ok(svg.includes('class="tracks"'));
  assert.ok(svg.includes('>0%</text>') && svg.includes('>100%</text>'), 'value axis ticks');
});

test('barChart: grouped bars sit side by side from zero; no data is still a chart', () => {
  const svg = barChart({ title: 'g', categories: ['a', 'b'], mode: 'grouped', series: [{ name: 'x', values: [1, 2] }, { name: 'y', values: [3, undefined] }] });
  checkXml(svg);
  const bars = [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)].map((m) => ({ x: num(m[1]!), y: num(m[2]!), w: num(m[3]!) }));
  assert.is(bars.length, 3, 'the missing value draws nothing');
  assert.ok(bars.every((b) => b.x === bars[0]!.x), 'all from zero');
  assert.ok(Math.abs(bars[2]!.w / bars[0]!.w - 3) < 0.01);
  assert.is(new Set(bars.map((b) => b.y)).size, 3, 'one row per bar');
  const empty = barChart({ title: 'e', categories: [], mode: 'stacked', series: [] });
  checkXml(empty);
  assert.not.ok(empty.includes('class="bar"') || empty.includes('NaN'));
});

test.run();
