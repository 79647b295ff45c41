// PathNet (Fernando et al. 2017) as the reference runs it: TO BE WRITTEN.
import type { ApproachHooks } from '../hat/trainer.ts';

export interface PathNetOptions {
  modules: number;
  active: number;
  generations: number;
  paths: number;
}

export function pathnetHooks(o: PathNetOptions): ApproachHooks {
  throw new Error(`pathnet is not built yet (${JSON.stringify(o)})`);
}
