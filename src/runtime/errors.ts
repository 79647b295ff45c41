// Errors the engine raises, so callers can tell a bad argument from a broken device.

export class DeviceLostError extends Error {
  constructor(readonly reason: string, message: string) {
    super(`WebGPU device lost (${reason}): ${message}. Create a new engine to continue; state saved in checkpoints is unaffected.`);
    this.name = 'DeviceLostError';
  }
}

export class GpuValidationError extends Error {
  constructor(readonly ops: string[], message: string) {
    super(`WebGPU rejected the work of ${ops.length === 1 ? 'op' : 'ops'} ${ops.slice(0, 8).join(', ')}${ops.length > 8 ? ', …' : ''}: ${message}`);
    this.name = 'GpuValidationError';
  }
}

export interface CompilerMessage { file: string; line: number; column: number; type: string; message: string }

export class ShaderCompileError extends Error {
  constructor(readonly kernel: string, readonly messages: CompilerMessage[]) {
    super(`WGSL kernel ${kernel} does not compile:\n` + messages.map((m) => `  ${m.file}.wgsl:${m.line}:${m.column} ${m.type}: ${m.message}`).join('\n'));
    this.name = 'ShaderCompileError';
  }
}

export class ShapeError extends Error {
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
    this.name = 'ShapeError';
  }
}

/** A tensor of the wrong element type for an op (every float kernel reads f32; labels are i32). */
export class DTypeError extends Error {
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
    this.name = 'DTypeError';
  }
}

/** A tensor used after dispose(): its buffer is back in the pool and may already hold another tensor. */
export class DisposedTensorError extends Error {
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
    this.name = 'DisposedTensorError';
  }
}
