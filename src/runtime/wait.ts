// Waiting for a GPU without starving a CPU driver.
//
// While a promise like onSubmittedWorkDone() or mapAsync() is pending, dawn.node busy-polls on the Node
// thread and takes a core from lavapipe's two workers. So we first sleep for most of the time the same
// kind of work took recently, and only then wait. The estimate must never exceed the real time, or we
// would measure our own sleep: when the work turns out to have finished during the sleep (the wait after
// it returns at once), the recorded time is halved so the estimate falls quickly.

const HISTORY = 5;
const SLEEP_FRACTION = 0.85;

export class WaitEstimator {
  private readonly history = new Map<string, number[]>();

  /** Runs `start()` (a promise that resolves when the GPU is done) after sleeping by the estimate for `tag`. */
  async wait<T>(start: () => Promise<T>, tag?: string): Promise<{ result: T; ms: number }> {
    const t0 = performance.now();
    const recent = tag ? this.history.get(tag) : undefined;
    // At least two samples: the first run of a kind of work often includes the driver compiling its
    // shaders, and one such outlier must not set the sleep.
    const sleepMs = recent && recent.length >= 2 ? Math.min(...recent) * SLEEP_FRACTION : 0;
    if (sleepMs > 2) await new Promise((r) => setTimeout(r, sleepMs));
    const t1 = performance.now();
    const result = await start();
    const t2 = performance.now();
    if (tag) {
      const overslept = sleepMs > 2 && t2 - t1 < 0.3;
      const list = recent ?? [];
      list.push(overslept ? (t2 - t0) / 2 : t2 - t0);
      if (list.length > HISTORY) list.shift();
      this.history.set(tag, list);
    }
    return { result, ms: t2 - t0 };
  }
}
