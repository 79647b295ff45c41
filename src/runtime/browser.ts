// The browser platform: navigator.gpu, kernels carried in the bundle as text (no Node built-ins here).
import { requestEngine, type Engine, type EngineOptions } from './engine.ts';
import type { ShaderSource } from './shaders.ts';

export function inlineShaderSource(texts: Record<string, string>): ShaderSource {
  return (name) => {
    const code = texts[name];
    if (code === undefined) throw new Error(`no kernel named ${name} in this bundle`);
    return code;
  };
}

export async function createBrowserEngine(shaders: Record<string, string>, options: EngineOptions & { adapter?: GPURequestAdapterOptions } = {}): Promise<Engine> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new Error('This browser has no WebGPU (navigator.gpu is missing). Use Chrome/Edge 113+ or enable WebGPU (chrome://flags/#enable-unsafe-webgpu; Firefox Nightly dom.webgpu.enabled; Safari 18+).');
  const adapter = await gpu.requestAdapter(options.adapter);
  if (!adapter) throw new Error('WebGPU is present but no adapter is available (blocklisted GPU or disabled): check chrome://gpu.');
  return requestEngine(adapter, inlineShaderSource(shaders), gpu, options);
}
