// The approaches a run can train with, and the hyperparameters the reference (joansj/hat,
// src/approaches/*.py) gives each: the values the schema's per-approach defaults are made of.
// docs/hat.md describes the algorithm; src/approaches/ implements each approach.

/** The approaches a run can train with (src/approaches/ implements each). */
export const APPROACHES = ['hat', 'adahat', 'sgd', 'sgd-frozen', 'joint', 'ewc', 'imm-mean', 'imm-mode', 'lwf', 'lfl', 'pathnet', 'progressive'] as const;
export type Approach = (typeof APPROACHES)[number];

/** Gradient-norm clip the reference's class of each approach sets (read from its constructors). */
export const REFERENCE_CLIP = { ewc: 100, 'imm-mean': 10000, 'imm-mode': 1000, lwf: 100, lfl: 200, pathnet: 1000, progressive: 10000 } as const;

/** The penalty weight λ of each baseline that has one. */
export const PENALTY_WEIGHT = { ewc: 5000, 'imm-mean': 1e-4, 'imm-mode': 0.01, lwf: 2, lfl: 0.05 } as const;

/** The baselines with a penalty weight (--lambda). */
export const PENALTY_APPROACHES = Object.keys(PENALTY_WEIGHT) as (keyof typeof PENALTY_WEIGHT)[];

/** LwF's distillation temperature T, and the ε its soft targets are smoothed with (not a setting). */
const LWF_TEMPERATURE = 1;
const LWF_EPS = 1e-5;

/** PathNet's search: M modules per layer, N active per layer in a path, G generations, P paths. */
const PATHNET = { modules: 16, active: 3, generations: 20, paths: 2 } as const;

/**
 * AdaHAT (Wang et al., ECML PKDD 2024, eq. 9): the adjustment intensity α and the ε added to the network
 * sparsity, the values of the paper's experiments and of its authors' code (CLArena).
 */
const ADAHAT = { adjustmentIntensity: 1e-6, epsilon: 0.1 } as const;

/** The reference's hyperparameters per approach (src/approaches/ reads them when an option is not given). */
export const APPROACH_DEFAULTS = {
  ewc: { lambda: PENALTY_WEIGHT.ewc },
  'imm-mean': { lambda: PENALTY_WEIGHT['imm-mean'] },
  'imm-mode': { lambda: PENALTY_WEIGHT['imm-mode'] },
  lwf: { lambda: PENALTY_WEIGHT.lwf, T: LWF_TEMPERATURE, eps: LWF_EPS },
  lfl: { lambda: PENALTY_WEIGHT.lfl },
  pathnet: PATHNET,
  adahat: ADAHAT,
} as const;

/** The approaches' own options (src/approaches/registry.ts builds each approach with them). */
export interface ApproachOptions {
  /** The penalty weight of ewc, imm-mean, imm-mode, lwf, lfl. */
  lambda?: number;
  /** LwF's distillation temperature. */
  temperature?: number;
  /** PathNet: modules per layer (M), active modules per layer (N), generations per task, paths (P). */
  modules?: number;
  active?: number;
  generations?: number;
  paths?: number;
  /** AdaHAT: α, how far the gradients of units earlier tasks use may still move (eq. 9). */
  adjustmentIntensity?: number;
  /** AdaHAT: ε, added to a layer's network sparsity before α is divided by it. */
  epsilon?: number;
}
