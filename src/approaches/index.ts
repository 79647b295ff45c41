// The approaches: HAT and the baselines, each implementing Approach (src/train/approach.ts).
export { createApproach, createTrainer, type ApproachOptions } from './registry.ts';
export { hatApproach, type HatOptions } from './hat.ts';
export { adahatApproach, type AdahatOptions } from './adahat.ts';
export { sgdApproach } from './sgd.ts';
export { sgdFrozenApproach } from './sgd-frozen.ts';
export { jointApproach } from './joint.ts';
export { ewcApproach } from './ewc.ts';
export { immApproach } from './imm.ts';
export { lwfApproach } from './lwf.ts';
export { lflApproach } from './lfl.ts';
export { pathnetApproach, randomPath, mutatePath, type PathNetOptions } from './pathnet.ts';
export { progressiveApproach } from './progressive.ts';
