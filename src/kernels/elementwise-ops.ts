// The WGSL expressions of the elementwise maps, by op name (shaders/unary.wgsl and binary.wgsl take one as
// {{EXPR}}). Apart from elementwise.ts so that declarations import no binding.

/** Expressions of x (and scalars alpha, beta) for shaders/unary.wgsl. */
export const UNARY = {
  relu: 'max(x, 0.0)',
  neg: '-x',
  exp: 'exp(x)',
  log: 'log(x)',
  sigmoid: '1.0 / (1.0 + exp(-x))',
  tanh: 'tanh(x)',
  square: 'x * x',
  sqrt: 'sqrt(x)',
  abs: 'abs(x)',
  /** alpha * x + beta */
  affine: 'alpha * x + beta',
  /** clamp to [alpha, beta] */
  clamp: 'clamp(x, alpha, beta)',
} as const;
export type UnaryOp = keyof typeof UNARY;

/** Expressions of x, y (and alpha) for shaders/binary.wgsl. */
export const BINARY = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  max: 'max(x, y)',
  min: 'min(x, y)',
  /** x + alpha * y */
  addScaled: 'x + alpha * y',
  /** gradient of relu: g (x) where the forward input y was positive */
  reluGrad: 'select(0.0, x, y > 0.0)',
} as const;
export type BinaryOp = keyof typeof BINARY;
