// Prints one JSON line describing the WebGPU adapter Dawn finds, or {"adapter":null,...}.
// Run in its own process by setup.mjs: a broken Vulkan driver may crash the process that loads Dawn.
import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
process.env.XDG_RUNTIME_DIR ??= '/tmp';
let result;
try {
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) result = { adapter: null, reason: 'requestAdapter() returned null' };
  else {
    const info = adapter.info ?? {};
    result = { adapter: { vendor: info.vendor, architecture: info.architecture, description: info.description, device: info.device } };
  }
  globalThis.__keep = gpu;
} catch (e) {
  result = { adapter: null, reason: String(e && e.message || e) };
}
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
