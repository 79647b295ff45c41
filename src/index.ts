// The library's platform-neutral API (also the browser entry: no Node built-ins are reachable from here).
export { Engine, type AdapterSummary, type DispatchSpec } from './runtime/engine.ts';
export { DeviceLostError, GpuValidationError, ShaderCompileError, ShapeError } from './runtime/errors.ts';
export { createBrowserEngine } from './runtime/browser.ts';
export { Tensor, tensor, empty, tidy, tidyAsync, liveTensorCount } from './tensor.ts';
export { backward, noGrad, parameter, record } from './autograd.ts';
export * as kernels from './kernels/index.ts';
// The kernel researcher's API under the names of the package's subpaths (webgpu-hat/testing, /bench), so
// a page that loads only the single-file bundle (the demo's kernel lab) gets the same modules, not copies.
export * as testing from './testing/index.ts';
export * as bench from '../bench/public.ts';
export * as chart from './chart/index.ts';
export * as ops from './ops/index.ts';
export { HatNetwork, type NetworkConfig, type ForwardContext } from './nn/network.ts';
export { DEFAULT_CONFIG, APPROACHES, APPROACH_DEFAULTS, REFERENCE_CLIP, resolveTrainConfig, resolveApproachOptions, UsageError, type TrainConfig, type ApproachOptions as ApproachSettings } from './config/index.ts';
export { Trainer, type RunOptions, type StepObserver } from './train/trainer.ts';
export { tapStep, type StepTaps, type LayerTaps, type NamedGradients } from './train/step-taps.ts';
export { readNetworkTensors, loadNetworkTensors, setParameters, networkToSafetensors, loadSafetensorsInto } from './nn/parameters.ts';
export type { DropoutConfig } from './nn/network.ts';
export type { Approach, TrainingRun, StepContext, HeadBatch, BatchPosition, ApproachState, SavedApproachState } from './train/approach.ts';
export { SGD, type GradientEntry, type Clip } from './train/optimizer.ts';
export { LrSchedule } from './train/schedule.ts';
export { NonFiniteLossError } from './train/errors.ts';
export { evaluateTaskAgnostic, predictTaskAgnostic, scoreFor, DEFAULT_TASK_SCORE, TASK_SCORES, type TaskScore, type TaskAgnosticAccuracy, type TaskAgnosticOptions } from './train/task-inference.ts';
export { trainSingleTaskReferences, referenceSettings, referencesMatch, type SingleTaskReferences } from './train/references.ts';
export { positionLabel, type TrainResult, type EpochReport, type Progress, type TrainerState, type TrainerSnapshot } from './train/state.ts';
export * as approaches from './approaches/index.ts';
export { createApproach, createTrainer, type ApproachOptions } from './approaches/registry.ts';
export * as data from './data/index.ts';
export * as evaluation from './eval/index.ts';
export * as report from './report/report.ts';
