// The baseline approaches: their reference hyperparameters and, in words, what each does
// per batch and per task, read from joansj/hat (src/approaches/*.py, utils.py) and the papers. The
// trainer wires them with the kernels of src/kernels/continual.ts and the ops of src/ops/continual.ts.
//
// ewc       Loss: CE(head t) + (λ/2) Σ F (θ − θ*)² over every parameter, θ* the model after task t − 1.
//           F: the diagonal empirical Fisher on the task's training data after the task (best model
//           restored, training mode, i.e. dropout on, as the reference), in batches: F += (B/N)·g² with
//           g the gradient of the batch's mean CE of head t (fisherAccumulate, alpha = B/N; the reference
//           uses batches of 20 and multiplies by 20 even for the last, shorter batch; we use its size).
//           Over tasks F = (t·F_old + F_new)/(t + 1) (fisherMerge: every task weighs the same, the
//           reference's choice "better than the other option" of halving).
// imm-mean  Loss: CE + (λ/2) Σ (θ − θ_old)² (L2 transfer, λ 1e-4). After task t > 0: θ = (θ + t·θ_old)/(t + 1)
//           (immMeanMerge with wOld = t, alpha = 1), θ_old = the merged model of t − 1.
// imm-mode  Loss: CE + (λ/2) Σ (θ − θ_old)² (λ 0.01). After every task its Fisher F_t (as EWC's, not
//           averaged); after task t > 0: θ = Σ_s (F_s + ε) θ_s / Σ_s (F_s + ε) (immModeMerge; the
//           reference's code computes this into a rebound local variable, so its model never changes:
//           ours does what the paper describes, and says so).
// lwf       Loss: CE(head t) + λ Σ_{u<t} distill(head u of the new model, head u of the old model, T)
//           (λ 2, T 1); the old model is the one after task t − 1, in evaluation mode (no dropout).
// lfl       Loss: CE + λ Σ (h − h_old)² / 2, h the penultimate activations (the input of the heads), summed
//           over batch and units (λ 0.05); h_old from the old model in evaluation mode.
// pathnet   Its own network (pathnet-network.ts): M modules per layer, a path takes N of them per layer
//           and sums their outputs; modules sized so the network has the HAT network's parameters. Per
//           task a tournament of P paths over G generations (pathnet.ts), each path trained epochs/G
//           epochs per generation with its own lr schedule; the winner is kept and frozen, the modules no
//           task kept are re-initialised before the next task.
// progressive  Its own network (progressive-network.ts): a column per task, lateral adapters from the
//           earlier columns into every layer after the first and into the head; earlier columns frozen;
//           column width chosen so the whole network has the HAT network's parameters.
// random    No training: stratified guessing, accuracy Σ_k p_train(k) p_test(k) (random.ts).

export const APPROACH_DEFAULTS = {
  ewc: { lambda: 5000 },
  'imm-mean': { lambda: 1e-4 },
  'imm-mode': { lambda: 0.01 },
  lwf: { lambda: 2, T: 1, eps: 1e-5 },
  lfl: { lambda: 0.05 },
  pathnet: { modules: 16, active: 3, generations: 20, paths: 2 },
} as const;

/** Gradient-norm clip the reference's class of each approach sets (read from its constructors). */
export const REFERENCE_CLIP = { ewc: 100, 'imm-mean': 10000, 'imm-mode': 1000, lwf: 100, lfl: 200, pathnet: 1000, progressive: 10000 } as const;
