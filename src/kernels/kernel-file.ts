// A kernel as a researcher's WGSL file: the first line `kernel show` writes names the kernel and the
// specialisation axes the text was written for (those that choose which files make up the shader, e.g.
// a matmul's core and loader); the other axes (tile sizes, workgroup shape) are filled in per call, so the
// same text runs at the shipped or the tuned tiles.
import type { KernelDeclaration, Specialisation, SpecValue } from './declaration.ts';
import { defaultSpecialisation } from './declaration.ts';

export const KERNEL_FILE_HEADER = /^\/\/ webgpu-hat kernel (\S+) spec (\{.*?\})(?: files (\S+))?\s*$/m;

/** The header line: the kernel, the axes its text was written for, and the files it was made of. */
export function kernelFileHeader(name: string, textSpec: Specialisation, files?: string): string {
  return `// webgpu-hat kernel ${name} spec ${JSON.stringify(textSpec)}${files ? ` files ${files}` : ''}`;
}

/** The kernel, axes and files a file's header names, or null for a file without one. */
export function parseKernelFile(text: string): { name: string; spec: Specialisation; files: string | null } | null {
  const m = KERNEL_FILE_HEADER.exec(text);
  return m ? { name: m[1]!, spec: JSON.parse(m[2]!) as Specialisation, files: m[3] ?? null } : null;
}

/**
 * The specialisation `kernel show` writes a text for: the kernel's default if every one of its test
 * shapes can run it, else the first in its space that can (so one text is checked on all of them).
 */
export function portableSpecialisation(decl: KernelDeclaration): Specialisation {
  const runsAll = (s: Specialisation) => decl.shapes.every((c) => !decl.valid || decl.valid({ ...s, ...c.spec }, c.shape));
  const preferred = defaultSpecialisation(decl);
  return runsAll(preferred) ? preferred : enumerateWith(decl, {}).find(runsAll) ?? preferred;
}

/** The files a specialisation's shader is made of, for one shape (joined with '+'). */
export function filesOf(decl: KernelDeclaration, spec: Specialisation, shape: unknown): string {
  const s = decl.shader(spec, shape);
  return [s.name, ...(s.append ?? [])].join('+');
}

/**
 * The axes whose value changes the shader's text (which files make it up), with their values in `spec`:
 * what a researcher's copy of that text is bound to. Axes that only set defines or override constants
 * (tile sizes, workgroup shape) are left out.
 */
export function textAxes(decl: KernelDeclaration, spec: Specialisation): Specialisation {
  const shape = decl.shapes[0]!.shape;
  const base = filesOf(decl, spec, shape);
  const out: Specialisation = {};
  for (const [axis, def] of Object.entries(decl.space)) {
    const changes = def.values.some((v: SpecValue) => v !== spec[axis] && filesOf(decl, { ...spec, [axis]: v }, shape) !== base);
    if (changes) out[axis] = spec[axis]!;
  }
  return out;
}

/**
 * A declaration running `text` instead of the built-in WGSL: the specialisation for a call is the
 * built-in's choice for the shape with the text's own axes fixed (`fixed`), so tiles still follow the
 * shape; with `files`, only calls made of those files (the variant the text was copied from) run it.
 * (Tuned choices were measured on the built-in text and do not apply to it.)
 */
export function withText(decl: KernelDeclaration, text: string, file: string, fixed: Specialisation, files: string | null = null): Partial<KernelDeclaration> {
  const builtinChoice = (engine: Parameters<KernelDeclaration['heuristic']>[0], shape: unknown): Specialisation => ({ ...defaultSpecialisation(decl), ...(decl.shippedDefault?.(engine, shape) ?? decl.heuristic(engine, shape)) });
  const choose = (engine: Parameters<KernelDeclaration['heuristic']>[0], shape: unknown): Specialisation => {
    const base = builtinChoice(engine, shape);
    const merged = { ...base, ...fixed };
    // The built-in's choice with the text's axes may be invalid for the shape (tiles that need the other
    // loader): then the first valid specialisation with those axes; if none (a vec4 text and a shape whose
    // sizes are not multiples of 4), the built-in's own choice, which the text does not serve.
    if (!decl.valid || decl.valid(merged, shape, engine)) return merged;
    return enumerateWith(decl, fixed).find((s) => decl.valid!(s, shape, engine)) ?? base;
  };
  // The text serves the calls at its own axes, made of the same files (the variant it was copied from).
  const wgslServes = (spec: Specialisation, shape: unknown) =>
    Object.entries(fixed).every(([k, v]) => spec[k] === v) && (!files || filesOf(decl, spec, shape) === files);
  return { wgsl: { text, file }, shippedDefault: choose, heuristic: choose, wgslServes };
}

function enumerateWith(decl: KernelDeclaration, fixed: Specialisation): Specialisation[] {
  let specs: Specialisation[] = [{}];
  for (const [axis, def] of Object.entries(decl.space)) {
    const values = axis in fixed ? [fixed[axis]!] : def.values;
    specs = specs.flatMap((s) => values.map((v: SpecValue) => ({ ...s, [axis]: v })));
  }
  return specs;
}
