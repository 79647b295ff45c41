// The engine every command that trains or times starts with: Dawn's adapter, with this adapter's tune
// cache installed (the fastest correct specialisation `webgpu-hat tune` found for each kernel and shape
// class; without one, the shipped choices) and any kernels the user brought in place of built-ins.
import { readFileSync, existsSync } from 'node:fs';
import { UsageError } from '../config/index.ts';
import type { Engine } from '../runtime/engine.ts';
import { builtinKernel, overrideKernel } from '../kernels/registry.ts';
import type { Specialisation } from '../kernels/declaration.ts';
import { parseKernelFile, withText } from '../kernels/kernel-file.ts';

export interface KernelFile {
  name: string;
  file: string;
  text: string;
  /** The specialisation axes the file's header says its text was written for, if it has one. */
  spec: Specialisation | null;
  /** The built-in files the text was copied from (the variant it serves), if the header says. */
  files: string | null;
}

/** `NAME=FILE.wgsl[,NAME=FILE.wgsl]`: the files read, each checked to name a built-in kernel. */
export function readKernelFiles(flag: string | undefined, label = '--kernel'): KernelFile[] {
  if (!flag) return [];
  return flag.split(',').map((pair) => {
    const m = /^([a-z0-9-]+)=(.+)$/.exec(pair.trim());
    if (!m) throw new UsageError(`${label}: expected NAME=FILE.wgsl, got "${pair}"`);
    const [, name, path] = m as unknown as [string, string, string];
    builtinKernel(name); // an unknown name is an UnknownKernelError naming the known ones
    if (!existsSync(path)) throw new UsageError(`${label}: file not found: ${path}`);
    const text = readFileSync(path, 'utf8');
    const header = parseKernelFile(text);
    if (header && header.name !== name) throw new UsageError(`${label}: ${path} was written for kernel ${header.name}, not ${name}`);
    return { name, file: path.replace(/\.wgsl$/, ''), text, spec: header?.spec ?? null, files: header?.files ?? null };
  });
}

export async function startEngine(o: { kernels?: readonly KernelFile[]; log?: (line: string) => void } = {}): Promise<Engine> {
  const { createEngine, nodeShaderSource } = await import('../runtime/node.ts');
  const engine = await createEngine();
  try {
    const { openTuneCache, installTuneCache } = await import('../../bench/tune/index.ts');
    const { fileTuneStorage } = await import('../../bench/tune/file-storage.ts');
    installTuneCache(engine, await openTuneCache(engine, fileTuneStorage(), { shaderSource: nodeShaderSource, warn: o.log ?? ((m) => process.stderr.write(`${m}\n`)) }));
    for (const k of o.kernels ?? []) {
      overrideKernel(engine, k.name, withText(builtinKernel(k.name), k.text, k.file, k.spec ?? {}, k.files));
      (o.log ?? ((m) => process.stderr.write(`${m}\n`)))(`kernel ${k.name}: ${k.file}.wgsl in place of the built-in${k.spec ? ` (its text fixes ${JSON.stringify(k.spec)}; the rest follows each shape)` : ''}`);
    }
    return engine;
  } catch (e) {
    engine.destroy();
    throw e;
  }
}
