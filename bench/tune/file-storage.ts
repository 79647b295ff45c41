// The Node backend of the tune cache: $XDG_CACHE_HOME/webgpu-hat/tune-<adapter-hash>.json (XDG_CACHE_HOME
// defaulting to ~/.cache), written atomically so a crash mid-write leaves the old document, not half a
// new one.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/io/atomic-file.ts';
import type { TuneStorage } from './storage.ts';

export function defaultTuneDir(env: Record<string, string | undefined> = process.env, home: string = homedir()): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(home, '.cache');
  return join(base, 'webgpu-hat');
}

export function tuneFilePath(dir: string, adapterHash: string): string {
  return join(dir, `tune-${adapterHash}.json`);
}

export function fileTuneStorage(dir: string = defaultTuneDir()): TuneStorage {
  return {
    location: dir,
    async read(hash) {
      try {
        return readFileSync(tuneFilePath(dir, hash), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async write(hash, text) {
      writeFileAtomic(tuneFilePath(dir, hash), new TextEncoder().encode(text));
    },
  };
}
