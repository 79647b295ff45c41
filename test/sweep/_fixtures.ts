// Shared by the sweep tests: a redis-server of the test's own on a free loopback port (in a temp dir,
// no persistence), a tiny learnable task-sequence file in a temp data root, and `webgpu-hat` processes
// (workers, producers) that are always killed when the test ends.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { encodeIdx } from '../../src/data/idx.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'webgpu-hat.js');

const made: string[] = [];
process.on('exit', () => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `webgpu-hat-${prefix}-`));
  made.push(dir);
  return dir;
}

export function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  /** TLS only: the self-signed certificate clients must trust (NODE_EXTRA_CA_CERTS for a process). */
  certificate?: string;
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 in `dir` (openssl), or null where openssl is missing. */
function selfSignedCertificate(dir: string): { cert: string; key: string } | null {
  const cert = join(dir, 'cert.pem'), key = join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return r.status === 0 ? { cert, key } : null;
}

/**
 * A redis-server on 127.0.0.1 as the docs recommend for BullMQ (noeviction), ready to answer; with a
 * password, and with TLS only (rediss://) when asked. Null when TLS was asked and cannot be had.
 */
export async function startRedis(password?: string, tls = false): Promise<RedisServer | null> {
  const port = await freePort();
  const dir = tempDir('redis');
  const pair = tls ? selfSignedCertificate(dir) : null;
  if (tls && !pair) return null;
  const listen = pair ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', pair.cert, '--tls-key-file', pair.key, '--tls-ca-cert-file', pair.cert, '--tls-auth-clients', 'no'] : ['--port', String(port)];
  const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir, ...(password ? ['--requirepass', password] : [])];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const url = `${pair ? 'rediss' : 'redis'}://${password ? `:${password}@` : ''}127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (tls) return null; // a redis-server built without TLS refuses --tls-port
      throw new Error(`redis-server exited with ${child.exitCode}`);
    }
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...(pair ? { tls: { ca: readFileSync(pair.cert) } } : {}) });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      break;
    } catch {
      client.disconnect();
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`redis-server on port ${port} did not start`); }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    ...(pair ? { certificate: pair.cert } : {}),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A learnable 2-task sequence of 4×4 images (class c lights row c) in `root`: root/seq.json. */
export function writeTinySequence(root: string): string {
  const make = (n: number, seed: number) => {
    let s = seed;
    const rand = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
    const images = new Uint8Array(n * 16), labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 4;
      labels[i] = c;
      for (let p = 0; p < 16; p++) images[i * 16 + p] = Math.floor(rand() * 60) + (Math.floor(p / 4) === c ? 190 : 0);
    }
    return [encodeIdx([n, 4, 4], images), encodeIdx([n], labels)] as const;
  };
  const [trainImages, trainLabels] = make(160, 1);
  const [testImages, testLabels] = make(40, 2);
  writeFileSync(join(root, 'train-images'), trainImages);
  writeFileSync(join(root, 'train-labels'), trainLabels);
  writeFileSync(join(root, 'test-images'), testImages);
  writeFileSync(join(root, 'test-labels'), testLabels);
  const dataset = { format: 'idx', train: { images: 'train-images', labels: 'train-labels' }, test: { images: 'test-images', labels: 'test-labels' } };
  writeFileSync(join(root, 'seq.json'), JSON.stringify({ name: 'tiny', tasks: [{ name: 'rows 0-1', dataset, classes: [0, 1] }, { name: 'rows 2-3', dataset, classes: [2, 3] }] }));
  return join(root, 'seq.json');
}

export interface Cli {
  child: ChildProcess;
  /** stderr and stdout so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

/** `webgpu-hat ...args` as a child process (killed when the test process exits). */
export function startCli(args: string[], cwd = ROOT, env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp', ...env } });
  children.add(child);
  let text = '';
  child.stdout!.on('data', (d) => { text += String(d); });
  child.stderr!.on('data', (d) => { text += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { children.delete(child); resolve(code); }));
  return { child, output: () => text, exited };
}

/** Kills a child and waits for it to be gone. */
export async function kill(cli: Cli, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill(signal);
  await cli.exited;
}

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 60_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
