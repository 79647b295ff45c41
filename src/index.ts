// The library's platform-neutral API (also the browser entry: no Node built-ins are reachable from here).
export { Engine, type AdapterSummary, type DispatchSpec } from './runtime/engine.ts';
export { DeviceLostError, GpuValidationError, ShaderCompileError, ShapeError } from './runtime/errors.ts';
export { createBrowserEngine } from './runtime/browser.ts';
export { Tensor, tensor, empty, tidy, tidyAsync, liveTensorCount } from './tensor.ts';
export { backward, noGrad, parameter, record } from './autograd.ts';
export * as kernels from './kernels/index.ts';
export * as ops from './ops/index.ts';
export { HatNetwork, type NetworkConfig, type ForwardContext } from './nn/network.ts';
export { Trainer, DEFAULT_CONFIG, type TrainConfig, type TrainResult, type EpochReport } from './train/trainer.ts';
export * as data from './data/index.ts';
export * as continual from './approaches/index.ts';
