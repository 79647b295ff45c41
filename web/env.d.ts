// The kernel map scripts/build.mjs inlines (every shaders/*.wgsl by name). In the demo it is the bundle's
// `shaders` export; in the browser tests' bundle, an esbuild virtual module.
declare module 'virtual:webgpu-hat-shaders' {
  export const shaders: Record<string, string>;
  export default shaders;
}
