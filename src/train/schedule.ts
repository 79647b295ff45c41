// The validation-driven learning-rate schedule (docs/hat.md): a better validation loss resets the
// patience; `patience` epochs without one divide the rate by `factor`; below `min` the task stops.

export interface ScheduleSettings {
  lr: number;
  lrMin: number;
  lrFactor: number;
  patience: number;
}

export class LrSchedule {
  lr: number;
  patience: number;
  bestLoss: number;
  stopped: boolean;

  constructor(private readonly settings: ScheduleSettings, from?: { lr: number; patience: number; bestLoss: number | null; stopped: boolean }) {
    this.lr = from ? from.lr : settings.lr;
    this.patience = from ? from.patience : settings.patience;
    this.bestLoss = from?.bestLoss ?? Infinity;
    this.stopped = from?.stopped ?? false;
  }

  /** Takes one epoch's validation loss; says whether it is the best so far (keep these parameters). */
  observe(validLoss: number): boolean {
    const improved = validLoss < this.bestLoss;
    if (improved) {
      this.bestLoss = validLoss;
      this.patience = this.settings.patience;
    } else if (--this.patience <= 0) {
      this.lr /= this.settings.lrFactor;
      this.patience = this.settings.patience;
    }
    if (this.lr < this.settings.lrMin) this.stopped = true;
    return improved;
  }

  /** The state a checkpoint keeps (the best loss as null while there is none: JSON has no Infinity). */
  get state(): { lr: number; patience: number; bestLoss: number | null; stopped: boolean } {
    return { lr: this.lr, patience: this.patience, bestLoss: Number.isFinite(this.bestLoss) ? this.bestLoss : null, stopped: this.stopped };
  }
}
