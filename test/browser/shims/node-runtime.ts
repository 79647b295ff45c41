// Stands in for src/runtime/node.ts when test files are bundled for the browser (scripts/test-browser.mjs
// redirects that module here): the same exports, backed by navigator.gpu and the inlined kernels.
import { createBrowserEngine, inlineShaderSource } from '../../../src/runtime/browser.ts';
import type { Engine, EngineOptions } from '../../../src/runtime/engine.ts';
import type { ShaderSource } from '../../../src/runtime/shaders.ts';
import { shaders } from 'virtual:webgpu-hat-shaders';
import { pageAdapterOptions } from './adapter-options.ts';

export const nodeShaderSource: ShaderSource = inlineShaderSource(shaders);

export function createEngine(options: EngineOptions = {}): Promise<Engine> {
  return createBrowserEngine(shaders, { ...options, adapter: pageAdapterOptions() });
}
