// Task-indexed normalisation layers: BatchNorm2d and LayerNorm that keep their affine parameters (and
// BatchNorm its running statistics) once per task, as HAT-CL does, so training a later task can shift
// neither an earlier task's normalisation nor the statistics it is evaluated with. Task t's forward reads
// only task t's tensors; the others get no gradient and no update.
//
// Names (checkpoints, safetensors export): `<name>.weight.<t>`, `<name>.bias.<t>` (gamma, beta) and, for
// BatchNorm, `<name>.running_mean.<t>`, `<name>.running_var.<t>`. The running statistics are listed with
// the parameters but have requiresGrad false: checkpoints, best-parameter copies and export carry them,
// and no optimiser touches them (they change only in a training-mode forward).
import type { Engine } from '../runtime/engine.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { parameter } from '../autograd.ts';
import { batchNorm, layerNorm } from '../ops/norm.ts';
import { BATCHNORM_MOMENTUM, NORM_EPS } from '../kernels/norm.ts';

function constantParameter(engine: Engine, size: number, value: number, label: string): Tensor {
  return parameter(tensor(engine, new Float32Array(size).fill(value), [size], 'f32', label));
}

/** A buffer that travels with the parameters but never trains (running statistics). */
function buffer(engine: Engine, size: number, value: number, label: string): Tensor {
  return tensor(engine, new Float32Array(size).fill(value), [size], 'f32', label).keep();
}

export interface TaskBatchNormOptions {
  /** PyTorch's 0.1. */
  momentum?: number;
  eps?: number;
}

/** BatchNorm over the channels of [N, C, H, W] (or [N, C]) with gamma, beta and running statistics per task. */
export class TaskBatchNorm2d {
  readonly weight: Tensor[] = [];
  readonly bias: Tensor[] = [];
  readonly runningMean: Tensor[] = [];
  readonly runningVar: Tensor[] = [];
  private readonly momentum: number;
  private readonly eps: number;

  constructor(engine: Engine, readonly name: string, readonly channels: number, tasks: number, opts: TaskBatchNormOptions = {}) {
    this.momentum = opts.momentum ?? BATCHNORM_MOMENTUM;
    this.eps = opts.eps ?? NORM_EPS;
    // PyTorch's initial values: gamma 1, beta 0, running mean 0, running variance 1.
    for (let t = 0; t < tasks; t++) {
      this.weight.push(constantParameter(engine, channels, 1, `${name}.weight.${t}`));
      this.bias.push(constantParameter(engine, channels, 0, `${name}.bias.${t}`));
      this.runningMean.push(buffer(engine, channels, 0, `${name}.running_mean.${t}`));
      this.runningVar.push(buffer(engine, channels, 1, `${name}.running_var.${t}`));
    }
  }

  /** Training: the batch's statistics, and task t's running statistics updated; evaluation: task t's running statistics. */
  forward(x: Tensor, task: number, training: boolean): Tensor {
    this.checkTask(task);
    return batchNorm(x, { gamma: this.weight[task]!, beta: this.bias[task]!, runningMean: this.runningMean[task]!, runningVar: this.runningVar[task]! }, { training, momentum: this.momentum, eps: this.eps });
  }

  /** Task t's gamma, beta and running statistics (what training task t may change). */
  taskTensors(task: number): Tensor[] {
    this.checkTask(task);
    return [this.weight[task]!, this.bias[task]!, this.runningMean[task]!, this.runningVar[task]!];
  }

  /** Gamma and beta of every task (the trainable ones). */
  affineParameters(): Tensor[] {
    return [...this.weight, ...this.bias];
  }

  namedTensors(): [string, Tensor][] {
    return this.weight.flatMap((w, t): [string, Tensor][] => [
      [`${this.name}.weight.${t}`, w], [`${this.name}.bias.${t}`, this.bias[t]!],
      [`${this.name}.running_mean.${t}`, this.runningMean[t]!], [`${this.name}.running_var.${t}`, this.runningVar[t]!],
    ]);
  }

  dispose(): void {
    for (const [, t] of this.namedTensors()) t.dispose();
  }

  private checkTask(task: number): void {
    if (!Number.isInteger(task) || task < 0 || task >= this.weight.length) throw new RangeError(`${this.name}: task ${task} is not one of the ${this.weight.length} tasks it was built for`);
  }
}

/** LayerNorm over the last dimension with gamma and beta per task (no running statistics: it normalises each sample). */
export class TaskLayerNorm {
  readonly weight: Tensor[] = [];
  readonly bias: Tensor[] = [];

  constructor(engine: Engine, readonly name: string, readonly features: number, tasks: number, private readonly eps = NORM_EPS) {
    for (let t = 0; t < tasks; t++) {
      this.weight.push(constantParameter(engine, features, 1, `${name}.weight.${t}`));
      this.bias.push(constantParameter(engine, features, 0, `${name}.bias.${t}`));
    }
  }

  forward(x: Tensor, task: number): Tensor {
    if (!Number.isInteger(task) || task < 0 || task >= this.weight.length) throw new RangeError(`${this.name}: task ${task} is not one of the ${this.weight.length} tasks it was built for`);
    return layerNorm(x, this.weight[task]!, this.bias[task]!, { eps: this.eps });
  }

  taskTensors(task: number): Tensor[] {
    return [this.weight[task]!, this.bias[task]!];
  }

  affineParameters(): Tensor[] {
    return [...this.weight, ...this.bias];
  }

  namedTensors(): [string, Tensor][] {
    return this.weight.flatMap((w, t): [string, Tensor][] => [[`${this.name}.weight.${t}`, w], [`${this.name}.bias.${t}`, this.bias[t]!]]);
  }

  dispose(): void {
    for (const [, t] of this.namedTensors()) t.dispose();
  }
}
