// Stands in for the npm package `webgpu` (Dawn for Node) in browser bundles of the tests: `create()` is
// navigator.gpu, with the page's adapter options applied to plain requestAdapter() calls.
import { pageAdapterOptions } from './adapter-options.ts';

export const globals = {};

export function create(_flags: string[] = []): GPU {
  const gpu = navigator.gpu;
  return new Proxy(gpu, {
    get(target, key) {
      if (key === 'requestAdapter') return (options: GPURequestAdapterOptions = {}) => target.requestAdapter({ ...pageAdapterOptions(), ...options });
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
