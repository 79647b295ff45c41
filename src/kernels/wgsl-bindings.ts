// Checks a user's WGSL against the bindings its declaration promises, before anything is dispatched: a
// mismatch would otherwise surface as an opaque bind-group validation error at submit time.
import type { BindingDecl } from './declaration.ts';

const BINDING = /@group\(\s*0\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*(?:<([^>]*)>)?\s+(\w+)\s*:\s*([^;]+);/g;

function accessOf(addressSpace: string): string {
  const parts = addressSpace.split(',').map((p) => p.trim());
  if (parts[0] === 'uniform') return 'uniform';
  return parts[1] === 'read_write' ? 'read_write' : 'read';
}

/**
 * Problems found (empty: the WGSL matches). Bindings absent from the text may come from an #include or
 * from a placeholder the dispatch fills (a binding's type chosen per call); those present are checked.
 */
export function checkWgslBindings(wgsl: string, declared: readonly BindingDecl[]): string[] {
  const text = wgsl.replace(/\/\/[^\n]*/g, '');
  const found = new Map<number, { access: string; name: string; type: string }>();
  for (const m of text.matchAll(BINDING)) found.set(Number(m[1]), { access: accessOf(m[2] ?? ''), name: m[3]!, type: m[4]!.replace(/\s+/g, '') });
  const problems: string[] = [];
  const includes = /^\s*#include\s/m.test(text) || /\{\{\w+\}\}/.test(text);
  for (const b of declared) {
    const f = found.get(b.binding);
    if (!f) {
      if (!includes) problems.push(`@binding(${b.binding}) ${b.name} (${b.access}) is declared but the WGSL has no such binding`);
      continue;
    }
    if (f.access !== b.access) problems.push(`@binding(${b.binding}) ${f.name} is ${f.access}, the declaration says ${b.name} is ${b.access}`);
    // An alias (`alias T = …`, filled per call) cannot be judged from the text alone.
    const aliased = /^array<[A-Z]\w*>$/.test(f.type);
    if (b.access !== 'uniform' && !aliased && f.type !== `array<${b.type}>` && f.type !== `array<vec4<${b.type}>>`) {
      problems.push(`@binding(${b.binding}) ${f.name} holds ${f.type}, the declaration says ${b.name} holds ${b.type}`);
    }
  }
  for (const [binding, f] of found) {
    if (!declared.some((b) => b.binding === binding)) problems.push(`@binding(${binding}) ${f.name} is not in the declaration (bindings: ${declared.map((b) => `${b.binding} ${b.name}`).join(', ')})`);
  }
  return problems;
}
