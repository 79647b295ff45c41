#!/usr/bin/env node
// Makes sure WebGPU has an adapter on this machine, installing a CPU Vulkan driver where it must.
//
// A machine with a GPU and its Vulkan driver needs nothing. A GPU-less Debian machine needs the Vulkan
// loader and Mesa >= 24 lavapipe (Debian 12's own Mesa 22.3 is rejected by Dawn), which Debian 12 has in
// bookworm-backports. As root on Debian we install them; anywhere else we say exactly what to install.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const quiet = process.argv.includes('--quiet');
const log = (msg) => { if (!quiet) process.stderr.write(`[setup] ${msg}\n`); };

function probe() {
  const run = spawnSync(process.execPath, [join(here, 'probe-adapter.mjs')], {
    encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  const line = (run.stdout ?? '').trim().split('\n').pop() ?? '';
  try { return JSON.parse(line); } catch { return { adapter: null, reason: `probe crashed (exit ${run.status}, signal ${run.signal}): ${(run.stderr ?? '').trim().slice(-400)}` }; }
}

function sh(cmd) {
  log(`$ ${cmd}`);
  const r = spawnSync('bash', ['-c', cmd], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`command failed (exit ${r.status}): ${cmd}`);
}

function osRelease() {
  try {
    return Object.fromEntries(readFileSync('/etc/os-release', 'utf8').split('\n').filter((l) => l.includes('='))
      .map((l) => { const i = l.indexOf('='); return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')]; }));
  } catch { return {}; }
}

function debianMirror() {
  // Reuse the mirror apt already uses, so this works wherever apt works.
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(deb822)) {
    const m = readFileSync(deb822, 'utf8').match(/^URIs:\s*(\S+)/m);
    if (m) return m[1];
  }
  if (existsSync('/etc/apt/sources.list')) {
    const m = readFileSync('/etc/apt/sources.list', 'utf8').match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/m);
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

const manualHelp = `WebGPU found no adapter on this machine.
With a GPU: install its Vulkan driver (and the Vulkan loader, libvulkan1).
Without a GPU: install the Vulkan loader and Mesa >= 24's lavapipe (the CPU Vulkan driver), e.g.
  Debian 12 (as root):  echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/backports.list
                        apt-get update && apt-get install -y libvulkan1 && apt-get install -y -t bookworm-backports mesa-vulkan-drivers
  Debian 13 / Ubuntu 24.04+:  apt-get install libvulkan1 mesa-vulkan-drivers
  Fedora:               dnf install vulkan-loader mesa-vulkan-drivers
Then run this again (npm run setup).`;

let found = probe();
if (found.adapter) {
  log(`WebGPU adapter: ${found.adapter.description || found.adapter.architecture || found.adapter.vendor}`);
  process.exit(0);
}
log(`no WebGPU adapter (${found.reason})`);

const os = osRelease();
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.platform !== 'linux' || os.ID !== 'debian' || !isRoot) {
  process.stderr.write(`\n${manualHelp}\n` + (os.ID === 'debian' && !isRoot ? '(Re-run as root and this script installs them itself.)\n' : ''));
  process.exit(1);
}

try {
  log('installing the Vulkan loader and Mesa lavapipe (CPU Vulkan driver) from Debian');
  sh('apt-get update -qq');
  sh('apt-get install -y -qq --no-install-recommends libvulkan1 mesa-vulkan-drivers');
  found = probe();
  if (!found.adapter && os.VERSION_CODENAME === 'bookworm') {
    log("Debian 12's Mesa is too old for Dawn: taking Mesa from bookworm-backports");
    writeFileSync('/etc/apt/sources.list.d/webgpu-hat-backports.list', `deb ${debianMirror()} bookworm-backports main\n`);
    sh('apt-get update -qq');
    sh('apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers');
    found = probe();
  }
} catch (e) {
  process.stderr.write(`\n[setup] ${e.message}\n\n${manualHelp}\n`);
  process.exit(1);
}
if (!found.adapter) {
  process.stderr.write(`\n[setup] still no adapter after installing (${found.reason}).\n\n${manualHelp}\n`);
  process.exit(1);
}
log(`WebGPU adapter: ${found.adapter.description || found.adapter.architecture}`);
