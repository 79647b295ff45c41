// A small XML well-formedness check for the charts' SVG: one root, balanced and properly nested tags,
// quoted and escaped attributes, escaped text. Shared by the chart and report tests.
import * as assert from 'uvu/assert';

export function checkXml(svg: string): { tags: string[] } {
  const tags: string[] = [];
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/g;
  let last = 0, roots = 0;
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    const text = svg.slice(last, m.index);
    assert.ok(!text.includes('<'), `unparsable markup near: ${svg.slice(last, last + 80)}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(text), `unescaped & in text: ${text}`);
    last = re.lastIndex;
    const [, close, name, , selfClose] = m;
    if (close) {
      assert.is(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) roots++;
      tags.push(name!);
      if (!selfClose) stack.push(name!);
    }
  }
  assert.ok(!svg.slice(last).includes('<'), 'markup after the last tag');
  assert.is(stack.length, 0, `unclosed: ${stack.join(', ')}`);
  assert.is(roots, 1, 'exactly one root element');
  assert.is(tags[0], 'svg');
  return { tags };
}

/** Every match of `re` (global) in `s`, as the first capture group. */
export function captures(s: string, re: RegExp): string[] {
  return [...s.matchAll(re)].map((m) => m[1]!);
}
