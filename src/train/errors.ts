// Why a run stopped, for the user: the loss or a parameter went non-finite.

/** The loss (or a parameter about to be checkpointed) is NaN or ±Inf: training stops here. */
export class NonFiniteLossError extends Error {
  constructor(readonly task: number, readonly taskName: string, readonly step: number, readonly epoch: number, detail: string) {
    super(`${detail} at step ${step} (task ${task + 1} "${taskName}", epoch ${epoch + 1}); lower --lr`);
    this.name = 'NonFiniteLossError';
  }
}
