// The tune cache of one adapter, held in memory once opened (the registry asks for choices
// synchronously, while kernels are being recorded) and written back whole after each change.
//
// A document that cannot be used (corrupt, another format version, another adapter) is ignored with a
// warning and rebuilt from nothing at the next write; an entry whose kernel source or candidate set
// changed since it was measured (`isCurrent` says so) is dropped with a warning, to be tuned again.
import type { Specialisation } from '../../src/kernels/declaration.ts';
import { adapterHash, type AdapterIdentity } from './adapter.ts';
import { emptyDocument, entryKey, parseTuneDocument, type TuneDocument, type TuneEntry } from './format.ts';
import type { TuneStorage } from './storage.ts';

export interface OpenTuneCacheOptions {
  /** Where warnings go (default: console.warn). */
  warn?: (message: string) => void;
  /** Whether an entry still matches the kernel as it is now (its source hash); default: every entry is. */
  isCurrent?: (entry: TuneEntry) => boolean | Promise<boolean>;
}

export class TuneCache {
  private constructor(
    readonly adapter: AdapterIdentity,
    readonly adapterHash: string,
    private readonly storage: TuneStorage,
    private document: TuneDocument,
  ) {}

  static async open(adapter: AdapterIdentity, storage: TuneStorage, options: OpenTuneCacheOptions = {}): Promise<TuneCache> {
    const warn = options.warn ?? ((m: string) => console.warn(m));
    const hash = await adapterHash(adapter);
    const where = `tune cache ${storage.location} (adapter ${hash})`;
    let document = emptyDocument(adapter);
    let text: string | null = null;
    try {
      text = await storage.read(hash);
    } catch (e) {
      warn(`${where}: could not be read (${(e as Error).message}); starting empty`);
    }
    if (text !== null) {
      const parsed = parseTuneDocument(text, adapter);
      if ('problem' in parsed) warn(`${where}: ignored, ${parsed.problem}; it will be rebuilt`);
      else document = parsed.document;
    }
    for (const [key, entry] of Object.entries(document.entries)) {
      if (!options.isCurrent || (await options.isCurrent(entry))) continue;
      warn(`${where}: ${entry.kernel} (${entry.shapeClass}) was tuned for another version of the kernel or its candidates; dropped, tune it again`);
      delete document.entries[key];
    }
    return new TuneCache(adapter, hash, storage, document);
  }

  get location(): string {
    return this.storage.location;
  }

  get(kernel: string, shapeClass: string): TuneEntry | null {
    return this.document.entries[entryKey(kernel, shapeClass)] ?? null;
  }

  choice(kernel: string, shapeClass: string): Specialisation | null {
    return this.get(kernel, shapeClass)?.choice ?? null;
  }

  entries(): TuneEntry[] {
    return Object.values(this.document.entries);
  }

  /** Stores (or replaces) an entry and writes the document. */
  async put(entry: TuneEntry): Promise<void> {
    this.document.entries[entryKey(entry.kernel, entry.shapeClass)] = entry;
    await this.storage.write(this.adapterHash, JSON.stringify(this.document, null, 2) + '\n');
  }
}
