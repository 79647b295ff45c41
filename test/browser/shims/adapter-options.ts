// The adapter the test page asks for: ?adapter=compatibility → { featureLevel: 'compatibility' }
// (Chromium's lavapipe path, with --use-angle=vulkan --use-webgpu-adapter=opengles), else the default.
export function pageAdapterOptions(): GPURequestAdapterOptions {
  const mode = new URLSearchParams(globalThis.location?.search ?? '').get('adapter');
  return mode === 'compatibility' ? ({ featureLevel: 'compatibility' } as GPURequestAdapterOptions) : {};
}
