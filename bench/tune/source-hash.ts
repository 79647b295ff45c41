// The hash a tuned choice is filed with: SHA-256 of the kernel's name, its candidate set and each
// candidate's WGSL as compiled (the composed source, override constants, entry point). A change to the
// kernel's WGSL, its snippets, or the candidates it may choose from changes the hash.
import { shaderOf, type KernelDeclaration, type Specialisation } from '../../src/kernels/declaration.ts';
import { workloadOf } from '../../src/kernels/declaration.ts';
import { builtinKernel } from '../../src/kernels/registry.ts';
import { composeShader, type ShaderSource } from '../../src/runtime/shaders.ts';
import type { TuneEntry } from './format.ts';
import { canonicalJson, sha256Hex } from './hash.ts';

function compiledSource<Shape>(decl: KernelDeclaration<Shape>, spec: Specialisation, shape: Shape, source: ShaderSource): unknown {
  const s = shaderOf(decl, spec, shape) as ReturnType<typeof shaderOf> & { text?: string };
  try {
    const code = s.text ?? composeShader(source, s.name, s.append ?? [], s.defines ?? {}).code;
    return { code, constants: s.constants ?? {}, entryPoint: s.entryPoint ?? 'main' };
  } catch (e) {
    // A candidate whose source cannot be composed still hashes (as its error), so the set stays whole.
    return { error: (e as Error).message };
  }
}

export async function kernelSourceHash<Shape>(decl: KernelDeclaration<Shape>, shape: Shape, candidates: readonly Specialisation[], source: ShaderSource): Promise<string> {
  return sha256Hex(canonicalJson({ kernel: decl.name, candidates, sources: candidates.map((spec) => compiledSource(decl, spec, shape, source)) }));
}

/** The hash of a declaration for a shape over its device-independent candidate set. */
export function declarationSourceHash<Shape>(decl: KernelDeclaration<Shape>, shape: Shape, source: ShaderSource): Promise<string> {
  return kernelSourceHash(decl, shape, workloadOf(decl, shape).candidates, source);
}

/** For TuneCache.open: whether an entry matches the built-in kernel as it is now. */
export function currentBuiltinEntry(source: ShaderSource): (entry: TuneEntry) => Promise<boolean> {
  return async (entry) => {
    let decl: KernelDeclaration;
    try {
      decl = builtinKernel(entry.kernel);
    } catch {
      return false; // the kernel no longer exists
    }
    try {
      return (await declarationSourceHash(decl, entry.shape, source)) === entry.sourceHash;
    } catch {
      return false; // the stored shape no longer fits the declaration
    }
  };
}
