// Our tensor names ↔ the reference implementation's (github.com/joansj/hat, src/networks/{mlp,alexnet}_hat.py
// and src/approaches/hat.py), so a PyTorch user can load what we train:
//
//   ours                          reference                       shape
//   fc1.weight, fc1.bias          fc1.weight, fc1.bias            [units, fanIn], [units]   (c1..c3, fc1, fc2)
//   efc1.0, efc1.1, … (per task)  efc1.weight (nn.Embedding)      [tasks, units]: row t = task t's embedding
//   last.0.weight, last.0.bias    last.0.weight, last.0.bias      [classes_t, features], [classes_t]
//   mask.fc1 (cumulative a^{≤t})  mask.fc1 (approach.mask_pre[i]) [1, units]: the reference keeps mask_pre
//                                                                 as a list of [1, units] gates, layer order
// Tasks not yet trained keep their initial embedding rows. Pure: works on name → {shape, data} maps.
import type { NamedArray } from './safetensors.ts';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

const EMBEDDING = /^e(.+)\.(\d+)$/;

/** Gated layer names in order of first appearance (from the per-task embedding names). */
function embeddedLayers(names: Iterable<string>): Map<string, number> {
  const tasks = new Map<string, number>();
  for (const n of names) {
    const m = EMBEDDING.exec(n);
    if (m) tasks.set(m[1]!, Math.max(tasks.get(m[1]!) ?? 0, Number(m[2]) + 1));
  }
  return tasks;
}

/** Our names (namedParameters() and `mask.<layer>`) → the reference's; `best.*` copies are left out. */
export function toReferenceTensors(ours: Map<string, HostTensor>): [string, NamedArray][] {
  const out: [string, NamedArray][] = [];
  const layers = embeddedLayers(ours.keys());
  const done = new Set<string>();
  for (const [name, t] of ours) {
    if (name.startsWith('best.') || done.has(name)) continue;
    const m = EMBEDDING.exec(name);
    if (m && layers.has(m[1]!)) {
      const layer = m[1]!, tasks = layers.get(layer)!;
      const units = t.data.length;
      const stacked = new Float32Array(tasks * units);
      for (let k = 0; k < tasks; k++) {
        const row = ours.get(`e${layer}.${k}`);
        if (!row || row.data.length !== units) throw new Error(`embedding e${layer}.${k} is missing or not ${units} long: cannot stack e${layer}.weight`);
        stacked.set(row.data, k * units);
        done.add(`e${layer}.${k}`);
      }
      out.push([`e${layer}.weight`, { dtype: 'F32', shape: [tasks, units], data: stacked }]);
      continue;
    }
    if (name.startsWith('mask.')) {
      out.push([name, { dtype: 'F32', shape: [1, t.data.length], data: t.data }]);
      continue;
    }
    out.push([name, { dtype: 'F32', shape: [...t.shape], data: t.data }]);
  }
  return out;
}

/** The reference's names → ours (the inverse of toReferenceTensors). */
export function fromReferenceTensors(ref: Map<string, NamedArray>, source = 'safetensors'): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of ref) {
    if (t.dtype !== 'F32') throw new Error(`${source}: tensor ${name} is ${t.dtype}; weights are F32`);
    const data = t.data as Float32Array;
    const emb = /^e(.+)\.weight$/.exec(name);
    if (emb && ref.has(`${emb[1]}.weight`) && t.shape.length === 2) {
      const [tasks, units] = t.shape as [number, number];
      for (let k = 0; k < tasks; k++) out.set(`e${emb[1]}.${k}`, { shape: [units], data: data.slice(k * units, (k + 1) * units) });
      continue;
    }
    if (name.startsWith('mask.')) {
      out.set(name, { shape: [data.length], data });
      continue;
    }
    out.set(name, { shape: [...t.shape], data });
  }
  return out;
}
