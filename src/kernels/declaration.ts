// A kernel declaration: the one place that says everything about a kernel — its WGSL, its bindings, its
// params struct (the byte layout is computed from the field list, never written twice), its
// specialisation space, how many workgroups a problem needs, its float64 reference, its cost and the
// shapes it is tested on. The binding functions (matmul, hatLinearForward, …) dispatch through it, the
// registry (registry.ts) names it, checkKernel (src/testing/) checks it, the bench measures it.
import type { Engine } from '../runtime/engine.ts';
import type { ShaderSpec } from '../runtime/pipeline-cache.ts';
import { KernelSpecialisationError } from './errors.ts';

export type Access = 'uniform' | 'read' | 'read_write';
export type ElementType = 'f32' | 'u32' | 'i32';

/** One @group(0) @binding(n) of the kernel. Binding 0 is the params uniform when the kernel has params. */
export interface BindingDecl {
  name: string;
  binding: number;
  access: Access;
  /** Element type of the storage array (a vec4 of it is accepted in WGSL: the vec4 loaders read it so). */
  type: ElementType;
  /** A read_write binding the kernel also reads (updated in place): checkKernel fills it with input, not NaN. */
  inout?: boolean;
}

export type ParamType = 'u32' | 'i32' | 'f32' | 'vec2<u32>' | 'vec2<f32>' | 'vec4<u32>' | 'vec4<i32>' | 'vec4<f32>';
export interface ParamField { name: string; type: ParamType }
export type ParamValues = Record<string, number | readonly number[]>;

export type SpecValue = number | boolean | string;
export type Specialisation = Record<string, SpecValue>;

/** One axis of the specialisation space (a tile size, a core variant, a loader). */
export interface SpecAxis {
  values: readonly SpecValue[];
  default: SpecValue;
  /** What the axis changes, for listKernels and tuning reports. */
  doc?: string;
}

/** The WGSL of a kernel for one specialisation: files under shaders/, appended snippets, defines, override constants. */
export type KernelShader = Omit<ShaderSpec, 'text'>;

/** WGSL given as text (a user's kernel): `file` names it in compiler errors. */
export interface WgslText { text: string; file: string }

export interface Problem<Shape> {
  inputs: Record<string, Float32Array | Int32Array | Uint32Array>;
  scalars: Record<string, number>;
  shape: Shape;
}

export interface SweepCase<Shape> {
  shape: Shape;
  /** Pins a specialisation (e.g. a small tile, so that a modest shape needs a huge grid). */
  spec?: Specialisation;
  why?: string;
  /** Costly on the CPU reference: checked with the first seed only. */
  heavy?: boolean;
}

export interface Tolerance { rtol: number; atol: number }

export interface KernelDeclaration<Shape = any> {
  /** Stable kebab-case name in the registry, e.g. 'gated-matmul'. */
  name: string;
  summary: string;
  /** 'forward' or 'gradient': checkKernel applies the tolerance of that kind. */
  kind: 'forward' | 'gradient';
  /** The built-in WGSL for a specialisation and shape (ignored when `wgsl` is set). */
  shader(spec: Specialisation, shape: Shape): KernelShader;
  /** A user's WGSL replacing the built-in one (the text may `#include "snippet"` from shaders/). */
  wgsl?: WgslText;
  /**
   * Which calls `wgsl` serves (default: all). A text copied from one variant of a kernel (a conv with the
   * HAT epilogue, say) is the built-in's files for that variant only; other variants keep the built-in.
   */
  wgslServes?(spec: Specialisation, shape: Shape): boolean;
  bindings: readonly BindingDecl[];
  /** The bindings a shape uses when some variants leave some out (default: all of `bindings`). */
  bindingsFor?(shape: Shape): readonly BindingDecl[];
  params: readonly ParamField[];
  /** Values of the params fields for one call; fields not given are zero. */
  paramValues(shape: Shape, scalars: Record<string, number>, spec: Specialisation): ParamValues;
  space: Readonly<Record<string, SpecAxis>>;
  /** Whether a specialisation can run this shape (e.g. vec4 loads need multiples of 4); default: always. */
  valid?(spec: Specialisation, shape: Shape, engine?: Engine): boolean;
  /** The choice this library ships for the adapter and shape (measured tables), or null. */
  shippedDefault?(engine: Engine, shape: Shape): Specialisation | null;
  /** The fallback rule when nothing else chose. */
  heuristic(engine: Engine, shape: Shape): Specialisation;
  /** Groups shapes that share a tuned choice (e.g. 'nt/large'). */
  shapeClass(shape: Shape): string;
  workgroups(shape: Shape, spec: Specialisation): [number, number, number];
  /** Element count of every storage binding for a shape. */
  sizes(shape: Shape): Record<string, number>;
  reference(problem: Problem<Shape>): Record<string, Float64Array>;
  generate(shape: Shape, seed: number): Problem<Shape>;
  flops(shape: Shape): number;
  bytes(shape: Shape): number;
  /** Shapes the kernel is tested on (a case may pin a specialisation, e.g. a small tile for a huge grid). */
  shapes: readonly SweepCase<Shape>[];
  /** Tolerance of the comparison with the reference for a shape. */
  tolerance(shape: Shape): Tolerance;
  /** The binding function computing the same from primitives (its unfused twin, e.g. 'hat.hatLinearForwardUnfused'), if any. */
  unfusedTwin?: string;
  /** Problem-level variants the shape selects between (e.g. gated / plain), for listKernels. */
  variants?: readonly string[];
  describeShape(shape: Shape): string;
}

// ---------------------------------------------------------------------------------------------------
// Params: the byte layout of the WGSL struct (uniform address space rules) from the one field list.

const PARAM_SIZE: Record<ParamType, { size: number; align: number; lanes: number }> = {
  'u32': { size: 4, align: 4, lanes: 1 }, 'i32': { size: 4, align: 4, lanes: 1 }, 'f32': { size: 4, align: 4, lanes: 1 },
  'vec2<u32>': { size: 8, align: 8, lanes: 2 }, 'vec2<f32>': { size: 8, align: 8, lanes: 2 },
  'vec4<u32>': { size: 16, align: 16, lanes: 4 }, 'vec4<i32>': { size: 16, align: 16, lanes: 4 }, 'vec4<f32>': { size: 16, align: 16, lanes: 4 },
};

export interface ParamsLayout { size: number; offsets: Record<string, number> }

/** Offsets of each field and the struct size (rounded to 16 bytes, as a uniform binding wants). */
export function paramsLayout(fields: readonly ParamField[]): ParamsLayout {
  let at = 0;
  const offsets: Record<string, number> = {};
  for (const f of fields) {
    const { size, align } = PARAM_SIZE[f.type];
    at = Math.ceil(at / align) * align;
    offsets[f.name] = at;
    at += size;
  }
  return { size: Math.max(16, Math.ceil(at / 16) * 16), offsets };
}

/** Packs values into the declared layout (f32 fields rounded to f32; missing fields and lanes are zero). */
export function packDeclaredParams(kernel: string, fields: readonly ParamField[], values: ParamValues): ArrayBuffer {
  const { size, offsets } = paramsLayout(fields);
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  for (const [name, value] of Object.entries(values)) {
    const field = fields.find((f) => f.name === name);
    if (!field) throw new KernelSpecialisationError(kernel, `params has no field ${name} (fields: ${fields.map((f) => f.name).join(', ')})`);
    const lanes = typeof value === 'number' ? [value] : value.slice(0, PARAM_SIZE[field.type].lanes);
    lanes.forEach((v, i) => {
      const at = offsets[name]! + 4 * i;
      if (field.type.includes('f32')) view.setFloat32(at, v, true);
      else if (field.type.includes('i32')) view.setInt32(at, v, true);
      else view.setUint32(at, v >>> 0, true);
    });
  }
  return buffer;
}

// ---------------------------------------------------------------------------------------------------
// Specialisations.

/** The declared defaults of every axis. */
export function defaultSpecialisation(decl: KernelDeclaration): Specialisation {
  return Object.fromEntries(Object.entries(decl.space).map(([k, axis]) => [k, axis.default]));
}

/** Every specialisation of the space (the cartesian product; the bench filters by `valid`). */
export function enumerateSpace(decl: KernelDeclaration): Specialisation[] {
  let out: Specialisation[] = [{}];
  for (const [k, axis] of Object.entries(decl.space)) out = out.flatMap((s) => axis.values.map((v) => ({ ...s, [k]: v })));
  return out;
}

/** Throws a KernelSpecialisationError unless every axis has an allowed value valid for the shape. */
export function checkSpecialisation<Shape>(decl: KernelDeclaration<Shape>, spec: Specialisation, shape: Shape, engine?: Engine): void {
  for (const key of Object.keys(spec)) if (!(key in decl.space)) throw new KernelSpecialisationError(decl.name, `unknown specialisation axis ${key} (axes: ${Object.keys(decl.space).join(', ') || 'none'})`);
  for (const [key, axis] of Object.entries(decl.space)) {
    if (!axis.values.includes(spec[key]!)) throw new KernelSpecialisationError(decl.name, `${key} = ${String(spec[key])} is not one of ${axis.values.join(', ')}`);
  }
  if (decl.valid && !decl.valid(spec, shape, engine)) throw new KernelSpecialisationError(decl.name, `specialisation ${JSON.stringify(spec)} cannot run ${decl.describeShape(shape)}`);
}

/**
 * The index of the test case to time when none is named (`kernel bench`, `tune`, the page's kernel lab):
 * the one with the most arithmetic among those `usable`. Cases that pin a specialisation or are marked
 * heavy exist to make a huge grid rather than work, so they are taken only when nothing else is usable.
 * -1 when no case is usable.
 */
export function timingCaseIndex<Shape>(decl: KernelDeclaration<Shape>, usable: (shape: Shape) => boolean = () => true): number {
  const indices = decl.shapes.map((_, i) => i).filter((i) => usable(decl.shapes[i]!.shape));
  const ordinary = indices.filter((i) => !decl.shapes[i]!.heavy && !decl.shapes[i]!.spec);
  return (ordinary.length ? ordinary : indices).reduce((best, i) => (best < 0 || decl.flops(decl.shapes[i]!.shape) > decl.flops(decl.shapes[best]!.shape) ? i : best), -1);
}

/** Workgroups for `count` workgroups: x up to 65,535, the rest folded into y (as Engine.grid). */
export function foldGrid(count: number, maxPerDim = 65535): [number, number, number] {
  if (count <= maxPerDim) return [Math.max(count, 1), 1, 1];
  const y = Math.ceil(count / maxPerDim);
  return [Math.ceil(count / y), y, 1];
}

// ---------------------------------------------------------------------------------------------------
// Recording one dispatch of a declaration.

export interface KernelCall<Shape> {
  shape: Shape;
  spec: Specialisation;
  /** A GPU buffer for every storage binding, by binding name. */
  buffers: Record<string, GPUBuffer>;
  scalars?: Record<string, number>;
  label?: string;
}

/** The bindings a call of the declaration on this shape binds. */
export function bindingsOf<Shape>(decl: KernelDeclaration<Shape>, shape: Shape): readonly BindingDecl[] {
  return decl.bindingsFor?.(shape) ?? decl.bindings;
}

/** The shader spec the engine compiles for a declaration and specialisation (the user's text when it has one). */
export function shaderOf<Shape>(decl: KernelDeclaration<Shape>, spec: Specialisation, shape: Shape): ShaderSpec {
  const builtin = decl.shader(spec, shape);
  if (!decl.wgsl || (decl.wgslServes && !decl.wgslServes(spec, shape))) return builtin;
  const { text, file } = decl.wgsl;
  // The user's text gets the built-in's defines and only the override constants it declares (WebGPU
  // rejects a constant the module does not have); a text that #includes snippets gets them all, since a
  // constant may be declared in a snippet (a copy of the built-in's files includes what they include).
  const includes = /^\s*#include\s/m.test(text);
  const constants = Object.fromEntries(Object.entries(builtin.constants ?? {}).filter(([k]) => includes || new RegExp(`\\boverride\\s+${k}\\b`).test(text)));
  return { name: file, text, defines: builtin.defines, constants, entryPoint: builtin.entryPoint };
}

/** Records one dispatch of the declaration on the given buffers (nothing runs until engine.submit()). */
export function recordKernel<Shape>(engine: Engine, decl: KernelDeclaration<Shape>, call: KernelCall<Shape>): void {
  const storage = bindingsOf(decl, call.shape).filter((b) => b.access !== 'uniform').sort((a, b) => a.binding - b.binding);
  const buffers = storage.map((b) => {
    const buffer = call.buffers[b.name];
    if (!buffer) throw new KernelSpecialisationError(decl.name, `no buffer given for binding ${b.name}`);
    return buffer;
  });
  const hasParams = decl.bindings.some((b) => b.access === 'uniform');
  engine.dispatch({
    label: call.label ?? `${decl.name} ${decl.describeShape(call.shape)}`,
    shader: shaderOf(decl, call.spec, call.shape),
    params: hasParams ? packDeclaredParams(decl.name, decl.params, decl.paramValues(call.shape, call.scalars ?? {}, call.spec)) : undefined,
    buffers,
    workgroups: decl.workgroups(call.shape, call.spec),
  });
}

// ---------------------------------------------------------------------------------------------------
// What the bench and the tuner need of a declaration for one problem shape.

export interface KernelWorkload<Shape> {
  name: string;
  shape: Shape;
  flops: number;
  bytes: number;
  space: Readonly<Record<string, SpecAxis>>;
  /** The specialisations valid for this shape (whatever the device). */
  candidates: Specialisation[];
  /** The same, narrowed to what the engine's device can run (e.g. the subgroup core needs subgroups of 8). */
  candidatesOn(engine: Engine): Specialisation[];
  /** Records one dispatch with `spec` on the given buffers (by binding name); submit to run it. */
  record(engine: Engine, spec: Specialisation, buffers: Record<string, GPUBuffer>, scalars?: Record<string, number>): void;
  /** Element counts of the buffers `record` needs, by binding name. */
  sizes: Record<string, number>;
}

/**
 * For a declaration and a problem shape: FLOPs, bytes, the specialisation space (and the candidates
 * valid for the shape) and a function that records one dispatch — what a bench or a tuner measures.
 */
export function workloadOf<Shape>(decl: KernelDeclaration<Shape>, shape: Shape): KernelWorkload<Shape> {
  return {
    name: decl.name,
    shape,
    flops: decl.flops(shape),
    bytes: decl.bytes(shape),
    space: decl.space,
    candidates: enumerateSpace(decl).filter((s) => !decl.valid || decl.valid(s, shape)),
    candidatesOn: (engine) => enumerateSpace(decl).filter((s) => !decl.valid || decl.valid(s, shape, engine)),
    sizes: decl.sizes(shape),
    record: (engine, spec, buffers, scalars) => {
      checkSpecialisation(decl, spec, shape, engine);
      recordKernel(engine, decl, { shape, spec, buffers, scalars });
    },
  };
}
