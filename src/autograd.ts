// A thin reverse-mode tape, micrograd-style: each differentiable op attaches its local backward to its
// output; backward() walks the graph in reverse topological order and accumulates into parameters.
import { tidy, type GradNode, type Tensor } from './tensor.ts';
import { addInto, fill } from './kernels/elementwise.ts';
import { ShapeError } from './runtime/errors.ts';

export type { GradNode };

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording the tape (evaluation, parameter updates). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/** Marks a tensor as a trainable leaf. */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad = true;
  t.node = null;
  return t.keep();
}

/** Called by ops: attaches the backward when recording and some input needs a gradient. */
export function record(output: Tensor, op: string, inputs: readonly Tensor[], backward: GradNode['backward']): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    output.requiresGrad = true;
    output.node = { op, inputs, backward };
  }
  return output;
}

/**
 * Backpropagates from a scalar. Gradients of parameters accumulate into `param.grad` (created on first
 * use, added to afterwards, cleared by the optimiser); every intermediate gradient is disposed.
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  if (loss.size !== 1 && !seed) throw new ShapeError('backward', `needs a scalar loss or an explicit seed gradient, got shape [${loss.shape.join(', ')}]`);
  if (!loss.requiresGrad) throw new Error('backward: the loss does not depend on any parameter (was it computed under noGrad?)');
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const visit = (t: Tensor) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const input of t.node?.inputs ?? []) if (input.requiresGrad) visit(input);
    order.push(t);
  };
  visit(loss);

  tidy(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(loss, seed ?? fill(loss.engine, loss.shape, 1));
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (!g) continue;
      if (!t.node) {
        // A leaf: accumulate into the parameter's gradient, which outlives this tidy().
        if (t.grad) addInto(t.grad, g);
        else t.grad = (g === seed ? copyOf(g) : g).keep();
        continue;
      }
      const inputGrads = t.node.backward(g);
      t.node.inputs.forEach((input, k) => {
        const gi = inputGrads[k];
        if (!gi || !input.requiresGrad) return;
        if (gi.shape.length !== input.shape.length || gi.shape.some((d, j) => d !== input.shape[j])) {
          throw new ShapeError(`${t.node!.op} backward`, `gradient shape [${gi.shape.join(', ')}] for input of shape [${input.shape.join(', ')}]`);
        }
        const before = grads.get(input);
        if (before) addInto(before, gi);
        else grads.set(input, gi);
      });
    }
    // Parameters' gradients are marked kept; everything else made here is disposed by tidy().
    return undefined;
  });
  for (const t of order) if (t.node) t.node = null;
}

function copyOf(t: Tensor): Tensor {
  const out = fill(t.engine, t.shape, 0);
  addInto(out, t);
  return out;
}
