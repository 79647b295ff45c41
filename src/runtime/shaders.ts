// Where kernel sources come from. Node reads shaders/*.wgsl from disk (runtime/node.ts); the browser
// bundle carries them inlined as text (runtime/browser.ts). Kernels only ever ask for a name.

export type ShaderSource = (name: string) => string;

/**
 * Builds the WGSL of one pipeline: the named file, then the `append` files (e.g. a matmul epilogue),
 * with every `{{NAME}}` replaced by its define. An unreplaced placeholder is an error, not silent WGSL.
 * A line `#include "name"` pulls in shaders/name.wgsl once: the line becomes a comment (line numbers stay)
 * and the file is placed after the others (WGSL declarations may come in any order). `texts` gives the
 * text of files that are not in shaders/ (a user's kernel), by name.
 */
export function composeShader(source: ShaderSource, name: string, append: readonly string[] = [], defines: Record<string, string | number | boolean> = {}, texts: Readonly<Record<string, string>> = {}): ComposedShader {
  const parts: ComposedShader['parts'] = [];
  const codes: string[] = [];
  let line = 1;
  const files = [name, ...append];
  for (let f = 0; f < files.length; f++) {
    const file = files[f]!;
    const raw = texts[file] ?? source(file);
    const text = raw.replace(/^([ \t]*)#include[ \t]+"([\w.-]+)"[ \t]*$/gm, (_whole, indent: string, included: string) => {
      if (!files.includes(included)) files.push(included);
      return `${indent}// #include "${included}" (placed after ${file})`;
    }).replace(/\{\{(\w+)\}\}/g, (_whole, key: string) => {
      if (!(key in defines)) throw new Error(`shader ${file}.wgsl: no value given for placeholder {{${key}}}`);
      return String(defines[key]);
    });
    const lines = text.split('\n').length;
    parts.push({ file, firstLine: line, lines });
    codes.push(text);
    line += lines;
  }
  return { code: codes.join('\n'), parts };
}

export interface ComposedShader {
  code: string;
  /** Which file each range of lines came from, so compiler messages can name the file and its line. */
  parts: { file: string; firstLine: number; lines: number }[];
}

/** Maps a line of the composed code back to its file and line there. */
export function locateLine(shader: ComposedShader, line: number): { file: string; line: number } {
  for (const part of shader.parts) {
    if (line >= part.firstLine && line < part.firstLine + part.lines) return { file: part.file, line: line - part.firstLine + 1 };
  }
  return { file: shader.parts[0]?.file ?? '?', line };
}
