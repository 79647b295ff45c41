// Errors of the kernel layer that a kernel researcher meets when declaring, overriding or checking a
// kernel: each names the kernel, so a report over many kernels says which one broke.

/** Base of every kernel-declaration error (catch this to tell them from engine or shape errors). */
export class KernelError extends Error {
  constructor(readonly kernel: string, message: string) {
    super(`kernel ${kernel}: ${message}`);
    this.name = 'KernelError';
  }
}

/** A name that no built-in kernel (and no override on the engine) has. */
export class UnknownKernelError extends KernelError {
  constructor(kernel: string, known: readonly string[]) {
    super(kernel, `no such kernel; known kernels: ${known.join(', ')}`);
    this.name = 'UnknownKernelError';
  }
}

/** A kernel asked for its unfused twin (to check or time against it) that has none. */
export class NoUnfusedTwinError extends KernelError {
  constructor(kernel: string, withTwin: readonly string[]) {
    super(kernel, `no unfused twin (kernels with one: ${withTwin.join(', ')})`);
    this.name = 'NoUnfusedTwinError';
  }
}

/** WGSL whose @binding declarations do not match the kernel's declared bindings. */
export class KernelBindingError extends KernelError {
  constructor(kernel: string, readonly problems: readonly string[]) {
    super(kernel, `the WGSL's bindings do not match the declaration:\n  ${problems.join('\n  ')}`);
    this.name = 'KernelBindingError';
  }
}

/** A specialisation outside the declared space (unknown axis, value not allowed, or invalid for the shape). */
export class KernelSpecialisationError extends KernelError {
  constructor(kernel: string, detail: string) {
    super(kernel, detail);
    this.name = 'KernelSpecialisationError';
  }
}

/** A kernel wrote past the end of an output (a guard word after it changed). */
export class KernelOutOfBoundsError extends KernelError {
  constructor(kernel: string, readonly output: string, readonly index: number, readonly value: number, detail?: string) {
    super(kernel, detail ?? `wrote past the end of output ${output}: guard element ${index} is ${value}`);
    this.name = 'KernelOutOfBoundsError';
  }
}

/** A kernel left an output element unwritten (still the NaN it was filled with) or produced NaN. */
export class KernelUnwrittenError extends KernelError {
  constructor(kernel: string, readonly output: string, readonly index: number, detail?: string) {
    super(kernel, detail ?? `output ${output}[${index}] is NaN: left unwritten (outputs are pre-filled with NaN) or computed as NaN`);
    this.name = 'KernelUnwrittenError';
  }
}

/** A kernel's output differs from the reference (or the kernel it is checked against) beyond the tolerance. */
export class KernelMismatchError extends KernelError {
  constructor(kernel: string, readonly output: string, readonly index: number, readonly expected: number, readonly actual: number, detail?: string) {
    super(kernel, detail ?? `output ${output}[${index}] is ${actual}, expected ${expected}`);
    this.name = 'KernelMismatchError';
  }
}
