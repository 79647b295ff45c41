// `webgpu-hat/bench` in Node: everything of public.ts, plus the tune cache as a JSON file under the
// user's cache folder ($XDG_CACHE_HOME or ~/.cache/webgpu-hat), and charts as PNG.
export * from './public.ts';
export { defaultTuneDir, fileTuneStorage, tuneFilePath } from './tune/file-storage.ts';
export { resultsChartPng } from './lab/png.ts';
