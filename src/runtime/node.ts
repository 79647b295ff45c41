// The Node platform: Dawn through the npm package `webgpu`, kernels read from shaders/ on disk.
// The only module that imports `webgpu` or Node built-ins for the runtime.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { create, globals } from 'webgpu';
import { requestEngine, type Engine, type EngineOptions } from './engine.ts';
import type { ShaderSource } from './shaders.ts';

Object.assign(globalThis, globals);

// shaders/ sits at the package root: two folders up from src/runtime/node.ts, one up from the Node bundle
// in dist/.
const shaderDir = ['../../shaders/', '../shaders/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url))).find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('../../shaders/', import.meta.url));
const shaderCache = new Map<string, string>();

export const nodeShaderSource: ShaderSource = (name) => {
  let code = shaderCache.get(name);
  if (code === undefined) {
    try {
      code = readFileSync(`${shaderDir}${name}.wgsl`, 'utf8');
    } catch {
      throw new Error(`no kernel named ${name}: ${shaderDir}${name}.wgsl does not exist`);
    }
    shaderCache.set(name, code);
  }
  return code;
};

/**
 * A Dawn GPU instance (navigator.gpu's equivalent), for the engine and for a peer library benchmarked
 * beside it. Dawn rounds timestamps to 65,536 ns by default (a guard against timing attacks in browsers);
 * kernel timing (bench/lab) needs them at the driver's resolution.
 */
export function createGpu(): GPU {
  return create(['disable-dawn-features=timestamp_quantization']);
}

/** `shaderSource` replaces where kernels come from (default: shaders/ on disk), e.g. for a test kernel. */
export async function createEngine(options: EngineOptions & { powerPreference?: GPUPowerPreference; shaderSource?: ShaderSource } = {}): Promise<Engine> {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const gpu = createGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new Error('WebGPU found no adapter. On a machine without a GPU, install the Vulkan loader and Mesa >= 24 lavapipe: run `npm run setup` (as root on Debian it installs them), or see README "Requirements".');
  }
  return requestEngine(adapter, options.shaderSource ?? nodeShaderSource, gpu, options);
}
