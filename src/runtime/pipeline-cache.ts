// Compiles each (kernel, specialisation) once, asynchronously, and hands the pipeline to every later use.
import { composeShader, locateLine, type ShaderSource } from './shaders.ts';
import { ShaderCompileError, type CompilerMessage } from './errors.ts';

export interface ShaderSpec {
  /** File in shaders/ without the extension, e.g. 'matmul'. */
  name: string;
  /** Further files concatenated after it (e.g. a matmul epilogue). */
  append?: readonly string[];
  /** `{{NAME}}` textual substitutions. */
  defines?: Record<string, string | number | boolean>;
  /** WGSL `override` constants. */
  constants?: Record<string, number | boolean>;
  /** WGSL given as text instead of shaders/<name>.wgsl (a user's kernel); `name` then names it in errors. */
  text?: string;
  entryPoint?: string;
}

export interface PipelineEntry {
  key: string;
  pipeline?: GPUComputePipeline;
  ready: Promise<GPUComputePipeline>;
}

export function pipelineKey(spec: ShaderSpec): string {
  const sorted = (o?: Record<string, unknown>) => (o ? Object.keys(o).sort().map((k) => `${k}=${String(o[k])}`).join(',') : '');
  return `${spec.name}+${(spec.append ?? []).join('+')}|${sorted(spec.defines)}|${sorted(spec.constants)}|${spec.entryPoint ?? 'main'}${spec.text === undefined ? '' : `|text ${textHash(spec.text)}`}`;
}

/** FNV-1a of a kernel given as text, with its length: two texts under one name get two pipelines. */
function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${h.toString(16)}:${text.length}`;
}

export class PipelineCache {
  private readonly entries = new Map<string, PipelineEntry>();
  compiles = 0;

  constructor(private readonly device: GPUDevice, private readonly source: ShaderSource) {}

  get(spec: ShaderSpec): PipelineEntry {
    const key = pipelineKey(spec);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, ready: this.compile(spec, key) };
      const created = entry;
      created.ready.then((p) => { created.pipeline = p; }, () => { this.entries.delete(key); });
      this.entries.set(key, entry);
    }
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  private async compile(spec: ShaderSpec, key: string): Promise<GPUComputePipeline> {
    this.compiles++;
    const shader = composeShader(this.source, spec.name, spec.append, spec.defines, spec.text === undefined ? {} : { [spec.name]: spec.text });
    // A module that does not compile also raises a device error; caught in a scope here, it is reported
    // by this kernel's ShaderCompileError and not by whatever op next submits (the engine stays usable).
    // Push and pop are adjacent, with no await between: scopes are a stack shared by every caller.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code: shader.code, label: spec.name });
    const moduleError = this.device.popErrorScope();
    const info = await module.getCompilationInfo();
    const errors: CompilerMessage[] = info.messages.filter((m) => m.type === 'error').map((m) => {
      const where = locateLine(shader, m.lineNum);
      return { file: where.file, line: where.line, column: m.linePos, type: m.type, message: m.message };
    });
    const scoped = await moduleError;
    if (errors.length) throw new ShaderCompileError(spec.name, errors);
    if (scoped) throw new ShaderCompileError(spec.name, [{ file: spec.name, line: 0, column: 0, type: 'module', message: scoped.message }]);
    const constants = spec.constants ? Object.fromEntries(Object.entries(spec.constants).map(([k, v]) => [k, Number(v)])) : undefined;
    this.device.pushErrorScope('validation');
    const created = this.device.createComputePipelineAsync({
      label: key,
      layout: 'auto',
      compute: { module, entryPoint: spec.entryPoint ?? 'main', constants },
    });
    const pipelineError = this.device.popErrorScope();
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await created;
    } catch (e) {
      await pipelineError.catch(() => null);
      throw new ShaderCompileError(spec.name, [{ file: spec.name, line: 0, column: 0, type: 'pipeline', message: (e as Error).message }]);
    }
    const late = await pipelineError;
    if (late) throw new ShaderCompileError(spec.name, [{ file: spec.name, line: 0, column: 0, type: 'pipeline', message: late.message }]);
    return pipeline;
  }
}
