// A network's parameters and cumulative masks by name, to and from the CPU (export, import, tests).
import { tensor } from '../tensor.ts';
import type { NamedTensors } from '../io/checkpoint.ts';
import { decodeSafetensors, encodeSafetensors, f32 } from '../io/safetensors.ts';
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

/**
 * Sets some parameters by name (`fc1.weight`, `efc1.0`, `last.0.bias`, … as namedParameters() lists
 * them), leaving the others as they are. A name the network does not have, or a value of another size,
 * is an error naming it; nothing is written unless every value is right.
 */
export function setParameters(net: ContinualNetwork, values: Record<string, ArrayLike<number>> | ReadonlyMap<string, ArrayLike<number>>, source = 'setParameters'): void {
  const params = new Map(net.namedParameters());
  const entries = values instanceof Map ? [...values] : Object.entries(values);
  for (const [name, v] of entries) {
    const p = params.get(name);
    if (!p) throw new Error(`${source}: the network has no parameter ${name} (it has ${[...params.keys()].join(', ')})`);
    if (v.length !== p.size) throw new Error(`${source}: ${name} needs ${p.size} values ([${p.shape.join(', ')}]), got ${v.length}`);
  }
  for (const [name, v] of entries) net.engine.upload(params.get(name)!.buffer, Float32Array.from(v));
}

/** The network's parameters and masks as a safetensors file (our names; F32). */
export async function networkToSafetensors(net: ContinualNetwork, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const tensors = await readNetworkTensors(net);
  return encodeSafetensors([...tensors].map(([name, t]) => [name, f32(t.shape, t.data)]), { format: 'pt', producer: 'webgpu-hat', ...metadata });
}

/** Loads a safetensors file written by networkToSafetensors (or with the same names) into a network. */
export function loadSafetensorsInto(net: ContinualNetwork, bytes: Uint8Array, source = 'safetensors'): void {
  const file = decodeSafetensors(bytes, source);
  const tensors: NamedTensors = new Map();
  for (const [name, t] of file.tensors) {
    if (t.dtype !== 'F32') throw new Error(`${source}: tensor ${name} is ${t.dtype}; parameters are F32`);
    tensors.set(name, { shape: t.shape, data: t.data as Float32Array });
  }
  loadNetworkTensors(net, tensors, source);
}
