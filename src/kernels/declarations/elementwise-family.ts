// What the one-invocation-per-element declarations share: the workgroup-size axis (the shader's
// `override WG`, 256 by default, compiled without constants at the default so the built-in pipeline is the
// one it always was), the dispatch rule and the sweep of counts (1, 7, 63, 65, 257, …, and one invocation
// per workgroup over 70,000 elements for a grid past 65,535).
import type { KernelDeclaration, KernelShader, Specialisation, SweepCase } from '../declaration.ts';
import { foldGrid } from '../declaration.ts';

export const ELEMENTWISE_WG_DEFAULT = 256;

export const ELEMENTWISE_SPACE = { wg: { values: [1, 64, 128, 256], default: ELEMENTWISE_WG_DEFAULT, doc: 'invocations per workgroup' } } as const;

export function elementwiseShader(name: string, spec: Specialisation, rest: Omit<KernelShader, 'name'> = {}): KernelShader {
  const wg = Number(spec.wg);
  return { ...rest, name, constants: { ...rest.constants, ...(wg === ELEMENTWISE_WG_DEFAULT ? {} : { WG: wg }) } };
}

export function elementwiseSweep<S>(make: (count: number, i: number) => S): SweepCase<S>[] {
  return [
    ...[1, 7, 63, 65, 257, 256, 2000].map((count, i) => ({ shape: make(count, i) })),
    { shape: make(70000, 1), spec: { wg: 1 }, why: 'more than 65,535 workgroups', heavy: true },
  ];
}

/** The parts every elementwise declaration has the same way, for a shape with an element count. */
export function elementwiseParts<S>(count: (s: S) => number): Pick<KernelDeclaration<S>, 'space' | 'heuristic' | 'shapeClass' | 'workgroups'> {
  return {
    space: ELEMENTWISE_SPACE,
    heuristic: () => ({ wg: ELEMENTWISE_WG_DEFAULT }),
    shapeClass: (s) => (count(s) >= 1 << 16 ? 'large' : 'small'),
    workgroups: (s, spec) => foldGrid(Math.ceil(count(s) / Number(spec.wg))),
  };
}
