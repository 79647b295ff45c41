// A network's parameters and cumulative masks by name, to and from the CPU (export, import, tests).
import { tensor } from '../tensor.ts';
import type { NamedTensors } from '../io/checkpoint.ts';
import type { ContinualNetwork } from './model.ts';

/** Every parameter of a network and its cumulative masks (`mask.<layer>`), read back to the CPU. */
export async function readNetworkTensors(net: ContinualNetwork): Promise<NamedTensors> {
  const out: NamedTensors = new Map();
  for (const [name, p] of net.namedParameters()) out.set(name, { shape: [...p.shape], data: await p.float32('export') });
  for (const l of net.layers) if (l.prevMask) out.set(`mask.${l.name}`, { shape: [l.units], data: await l.prevMask.float32('export') });
  return out;
}

/**
 * Loads parameters and masks (our names) into a network. Every parameter must be present with its shape
 * (errors name the tensor, both shapes and `source`); masks are optional; unknown names are errors.
 */
export function loadNetworkTensors(net: ContinualNetwork, tensors: NamedTensors, source: string): void {
  const params = new Map(net.namedParameters());
  const layers = new Map(net.layers.map((l) => [`mask.${l.name}`, l]));
  for (const name of tensors.keys()) {
    if (!params.has(name) && !layers.has(name)) throw new Error(`${source}: tensor ${name} is not in this network (it has ${[...params.keys(), ...layers.keys()].join(', ')})`);
  }
  for (const [name, p] of params) {
    const t = tensors.get(name);
    if (!t) throw new Error(`${source}: tensor ${name} is missing`);
    if (t.shape.join() !== p.shape.join()) throw new Error(`${source}: tensor ${name} has shape [${t.shape.join(', ')}], this network needs [${p.shape.join(', ')}]`);
  }
  for (const [name, p] of params) net.engine.upload(p.buffer, tensors.get(name)!.data);
  for (const [name, l] of layers) {
    const m = tensors.get(name);
    if (!m) continue;
    if (m.data.length !== l.units) throw new Error(`${source}: mask ${name} has ${m.data.length} values, layer ${l.name} has ${l.units} units`);
    l.prevMask?.dispose();
    l.prevMask = tensor(net.engine, m.data, [l.units], 'f32', name).keep();
  }
}
