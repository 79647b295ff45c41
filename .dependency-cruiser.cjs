// The layer rules of the code base, checked by `npm test` (scripts/test.mjs, "== layers"): imports point
// down the floors below, never up; modules on one floor may import each other unless a rule here says
// otherwise. Paths match both the .ts sources and the .js copies scripts/test.mjs cruises (dependency-
// cruiser cannot parse TypeScript with the TypeScript 7 compiler, so the check strips types with esbuild
// first and cruises the result).
//
//   8  src/cli/
//   7  src/report/, src/sweep/, bench/, web/, and the package entries src/index.ts, src/index.node.ts
//   6  src/train/, then src/approaches/ (may import train), then src/eval/ (may import both)
//   5  src/nn/
//   4  src/ops/
//   3  src/kernels/, src/autograd.ts, src/testing/ (checkKernel: kernels against their references)
//   2  src/tensor.ts
//   1  src/runtime/, src/data/, src/io/, src/config/, src/chart/ (config and chart import nothing else)

const floors = [
  { name: 'floor 1 (runtime, data, io, config, chart)', path: '^src/(runtime|data|io|config|chart)/' },
  { name: 'floor 2 (tensor)', path: '^src/tensor\\.[jt]s$' },
  { name: 'floor 3 (kernels, autograd, testing)', path: '^src/(kernels/|testing/|autograd\\.[jt]s$)' },
  { name: 'floor 4 (ops)', path: '^src/ops/' },
  { name: 'floor 5 (nn)', path: '^src/nn/' },
  { name: 'floor 6 (train, approaches, eval)', path: '^src/(train|approaches|eval)/' },
  { name: 'floor 7 (report, sweep, bench, web, package entries)', path: '^(src/report/|src/sweep/|bench/|web/|src/index(\\.node)?\\.[jt]s$)' },
  { name: 'floor 8 (cli)', path: '^src/cli/' },
];

const anyOf = (paths) => paths.map((p) => `(${p})`).join('|');

/** One rule per floor: nothing on it imports from a floor above it. */
const upwardImports = floors.slice(0, -1).map((floor, i) => ({
  name: `up-from-floor-${i + 1}`,
  comment: `${floor.name} imports from a higher floor (${floors.slice(i + 1).map((f) => f.name.split(' ')[1]).join(', ')}); imports point down only`,
  severity: 'error',
  from: { path: floor.path },
  to: { path: anyOf(floors.slice(i + 1).map((f) => f.path)) },
}));

/** A folder that imports nothing of the project outside itself. */
const selfContained = (folder) => ({
  name: `${folder}-self-contained`,
  comment: `src/${folder}/ imports nothing of the project outside itself`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: '^(src|bench|web)/', pathNot: `^src/${folder}/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a cycle of imports makes the order of module evaluation (and the layers) meaningless',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upwardImports,
    {
      name: 'train-imports-approaches-or-eval',
      comment: 'within floor 6 src/train/ is lowest: the training loop knows no approach and no evaluation',
      severity: 'error',
      from: { path: '^src/train/' },
      to: { path: '^src/(approaches|eval)/' },
    },
    {
      name: 'approaches-import-eval',
      comment: 'within floor 6 src/approaches/ sits below src/eval/',
      severity: 'error',
      from: { path: '^src/approaches/' },
      to: { path: '^src/eval/' },
    },
    selfContained('config'),
    selfContained('chart'),
    {
      name: 'webgpu-outside-runtime-node',
      comment: 'only src/runtime/node.ts loads the webgpu package (Dawn); everything else gets an Engine',
      severity: 'error',
      from: { pathNot: '^src/runtime/node\\.[jt]s$' },
      to: { path: '(^|/)node_modules/webgpu/' },
    },
    {
      name: 'node-builtins-in-compute-floors',
      comment: 'tensor, autograd, kernels, ops and nn bundle for browsers: no node: built-ins',
      severity: 'error',
      from: { path: '^src/(tensor\\.[jt]s$|autograd\\.[jt]s$|kernels/|ops/|nn/)' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-on-a-floor',
      comment: 'every module under src/ belongs to a floor listed at the top of .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(floors.map((f) => f.path)) },
      to: {},
    },
    {
      name: 'unresolvable',
      comment: 'an import that resolves to no file (a moved module, a typo); virtual: modules are made by scripts/build.mjs',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^virtual:' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // node_modules in the stripped copy is a link to the project's: keep the link's path.
    preserveSymlinks: true,
  },
};
