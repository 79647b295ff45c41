// PathNet (Fernando et al. 2017) as the HAT paper's reference runs it (joansj/hat,
// src/approaches/pathnet.py): per task, a tournament of P paths over G generations. Each path trains with
// its own learning-rate schedule; the best validation loss seen marks the winner, whose parameters are
// restored at the end of every generation, and every other path restarts as a mutated copy of it. The
// final winner becomes the task's best path, and its modules are frozen for good.
import type { Approach, TrainingRun } from '../train/approach.ts';
import type { EpochReport } from '../train/state.ts';
import { NonFiniteLossError } from '../train/errors.ts';
import { ParameterSnapshot } from '../train/best-parameters.ts';
import { Rng, deriveSeed } from '../data/rng.ts';
import { PathNetNetwork, checkPathNetShape, type Path } from '../nn/pathnet-network.ts';

export interface PathNetOptions {
  /** Modules per layer (M). */
  modules: number;
  /** Modules of a path per layer (N). */
  active: number;
  /** Generations of the tournament per task (G). */
  generations: number;
  /** Paths trained per generation (P). */
  paths: number;
}

/** Seeds each task's path draws and mutations (with the run seed and the task). */
const PATH_SEED = 0x9a7d;

/** A path with N distinct modules per layer, uniformly drawn (the reference shuffles 0..M−1 per layer). */
export function randomPath(rng: Rng, layers: number, modules: number, active: number): Path {
  return Array.from({ length: layers }, () => {
    const all = Array.from({ length: modules }, (_, m) => m);
    rng.shuffle(all);
    return all.slice(0, active);
  });
}

/**
 * A copy of `winner` in which each entry, with probability 1/(N·L), moves by a random integer in
 * [−2, 2] modulo M. The result may list a module twice in a layer; the network then sums it twice
 * (PathNetNetwork.forwardWithFeatures), as the reference does, rather than redrawing the entry, so that
 * the search is the reference's.
 */
export function mutatePath(rng: Rng, winner: Path, modules: number): Path {
  const probability = 1 / (winner[0]!.length * winner.length);
  return winner.map((row) => row.map((m) => (rng.uniform() < probability ? (((m + rng.int(5) - 2) % modules) + modules) % modules : m)));
}

/** Checked before any network is built, so a bad setting fails before the data loads. */
function checkOptions(o: PathNetOptions): void {
  checkPathNetShape(o);
  for (const [name, v] of [['generations', o.generations], ['paths (P)', o.paths]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`pathnet: ${name} must be a positive integer, got ${v}`);
  }
}

function pathnetOf(run: TrainingRun): PathNetNetwork {
  if (!(run.net instanceof PathNetNetwork)) throw new Error(`pathnet: needs a PathNetNetwork, not ${run.net.constructor.name}`);
  return run.net;
}

export function pathnetApproach(o: PathNetOptions): Approach {
  checkOptions(o);
  return {
    name: 'pathnet',
    createNetwork: (engine, config) => new PathNetNetwork(engine, config, { modules: o.modules, active: o.active }),

    async beforeTask(run, t) {
      // The reference copies the initial model's values back into every module no earlier task kept.
      if (t === 0) return;
      pathnetOf(run).reinitializeFreeModules();
      await run.engine.submit();
    },

    // The best paths (the modules they freeze follow from them); the modules' initial values come from
    // the seed again. The search checkpoints only between tasks, so there is no search state to keep.
    saveState: (run) => ({ json: { bestPaths: pathnetOf(run).bestPaths }, tensors: new Map() }),
    loadState(run, saved) {
      const net = pathnetOf(run);
      const paths = (saved.json as { bestPaths?: (Path | null)[] } | null)?.bestPaths;
      if (!Array.isArray(paths) || paths.length !== net.bestPaths.length) throw new Error(`pathnet: the checkpoint has no best path per task (${net.bestPaths.length} tasks)`);
      paths.forEach((path, t) => { if (path) net.setBestPath(t, path); });
    },

    async trainTask(run, t, progress) {
      const net = pathnetOf(run);
      const cfg = run.config;
      const task = run.tasks[t]!;
      const rng = new Rng(deriveSeed(cfg.seed, PATH_SEED, t));
      // The reference divides the epochs among the generations, to keep the number of updates.
      const epochsPerPath = Math.max(1, Math.floor(cfg.epochs / o.generations));
      const paths = Array.from({ length: o.paths }, () => randomPath(rng, net.depth, o.modules, o.active));
      const lr = paths.map(() => cfg.lr);
      const patience = paths.map(() => cfg.patience);
      const bestLoss = paths.map(() => Infinity);
      let winner = 0, bestOverall = Infinity;
      // Frozen modules never change, so only the others (and head t) need saving.
      const winnerParams = new ParameterSnapshot(run.engine, net.taskParameters(t).filter((p) => p.requiresGrad));
      const reports: EpochReport[] = [];
      let ms = 0, samples = 0, epochCount = 0;
      const plannedEpochs = o.generations * o.paths * epochsPerPath;
      try {
        for (let g = 0; g < o.generations; g++) {
          if (Math.max(...lr) < cfg.lrMin) break;
          for (let p = 0; p < o.paths; p++) {
            if (lr[p]! < cfg.lrMin) continue;
            net.setTrainingPath(t, paths[p]!);
            for (let e = 0; e < epochsPerPath; e++) {
              const epoch = epochCount++;
              const { trainLoss, ms: epochMs } = await run.trainEpoch(t, lr[p]!, epoch, progress);
              ms += epochMs;
              samples += task.train.n;
              const valid = await run.evaluate(t, task.valid);
              if (!Number.isFinite(valid.loss)) throw new NonFiniteLossError(t, task.name, run.steps, epoch, `the validation loss became ${valid.loss}`);
              if (valid.loss < bestOverall) {
                bestOverall = valid.loss;
                winnerParams.take();
                winner = p;
              }
              const improved = valid.loss < bestLoss[p]!;
              let stop = false;
              if (improved) {
                bestLoss[p] = valid.loss;
                patience[p] = cfg.patience;
              } else if (--patience[p]! <= 0) {
                lr[p]! /= cfg.lrFactor;
                patience[p] = cfg.patience;
                stop = lr[p]! < cfg.lrMin;
              }
              const report: EpochReport = {
                task: t, epoch, epochs: plannedEpochs, trainLoss, validLoss: valid.loss, validAccuracy: valid.accuracy, lr: lr[p]!,
                samplesPerSecond: task.train.n / (epochMs / 1000), improved, s: cfg.smax,
              };
              reports.push(report);
              progress.epoch?.(report);
              if (stop) break;
            }
          }
          // Every path's training since the winner's best is undone: all continue from the winner.
          winnerParams.restore();
          await run.engine.submit();
          for (let p = 0; p < o.paths; p++) {
            if (p === winner) continue;
            paths[p] = mutatePath(rng, paths[winner]!, o.modules);
            lr[p] = lr[winner]!;
            patience[p] = cfg.patience;
            bestLoss[p] = Infinity;
          }
        }
      } finally {
        winnerParams.dispose();
        net.clearTrainingPath();
      }
      net.setBestPath(t, paths[winner]!);
      return { epochs: reports, ms, samples };
    },
  };
}
