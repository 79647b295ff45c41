// A kernel as a researcher's WGSL file: the first line `kernel show` writes names the kernel and the
// specialisation axes the text was written for (those that choose which files make up the shader, e.g.
// a matmul's core and loader); the other axes (tile sizes, workgroup shape) are filled in per call, so the
// same text runs at the shipped or the tuned tiles.
import type { KernelDeclaration, Specialisation, SpecValue } from './declaration.ts';
import { defaultSpecialisation } from './declaration.ts';

export const KERNEL_FILE_HEADER = /^\/\/ webgpu-hat kernel (\S+) spec (\{.*\})\s*$/m;

/** The header line for a kernel and the axes its text was written for. */
export function kernelFileHeader(name: string, textSpec: Specialisation): string {
  return `// webgpu-hat kernel ${name} spec ${JSON.stringify(textSpec)}`;
}

/** The kernel and axes a file's header names, or null for a file without one. */
export function parseKernelFile(text: string): { name: string; spec: Specialisation } | null {
  const m = KERNEL_FILE_HEADER.exec(text);
  return m ? { name: m[1]!, spec: JSON.parse(m[2]!) as Specialisation } : null;
}

/** The files a specialisation's shader is made of, for one shape. */
function filesOf(decl: KernelDeclaration, spec: Specialisation, shape: unknown): string {
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
 * shape. (Tuned choices were measured on the built-in text and do not apply to it.)
 */
export function withText(decl: KernelDeclaration, text: string, file: string, fixed: Specialisation): Partial<KernelDeclaration> {
  const choose = (engine: Parameters<KernelDeclaration['heuristic']>[0], shape: unknown): Specialisation => {
    const base = decl.shippedDefault?.(engine, shape) ?? decl.heuristic(engine, shape);
    const merged = { ...defaultSpecialisation(decl), ...base, ...fixed };
    // The built-in's choice for this shape with the text's axes may be invalid (e.g. tiles that need the
    // other loader): then the first valid specialisation with those axes.
    if (!decl.valid || decl.valid(merged, shape, engine)) return merged;
    return enumerateWith(decl, fixed).find((s) => decl.valid!(s, shape, engine)) ?? merged;
  };
  return { wgsl: { text, file }, shippedDefault: choose, heuristic: choose };
}

function enumerateWith(decl: KernelDeclaration, fixed: Specialisation): Specialisation[] {
  let specs: Specialisation[] = [{}];
  for (const [axis, def] of Object.entries(decl.space)) {
    const values = axis in fixed ? [fixed[axis]!] : def.values;
    specs = specs.flatMap((s) => values.map((v: SpecValue) => ({ ...s, [axis]: v })));
  }
  return specs;
}
