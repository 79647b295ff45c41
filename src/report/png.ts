// PNG views of the report's SVG plots, for viewers that do not show SVG (chat, slides, some code review tools). resvg
// (@resvg/resvg-js, a maintained Rust renderer with prebuilt Node binaries) draws them; the text uses the
// DejaVu fonts from npm (dejavu-fonts-ttf), not the machine's, so a fresh machine without fonts renders
// the same labels and the output does not depend on what happens to be installed.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function fontFiles(): string[] {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(dir, f));
}

export interface Raster {
  png: Uint8Array;
  width: number;
  height: number;
  /** RGBA, row-major (for tests and thumbnails). */
  pixels: Uint8Array;
}

/** Renders an SVG document at `scale` × its own size (2: sharp on high-density screens). */
export function renderSvg(svg: string, scale = 2): Raster {
  if (!(scale > 0)) throw new RangeError(`renderSvg: scale must be positive, got ${scale}`);
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}
