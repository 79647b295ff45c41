// Where tune documents live: a small interface with a file backend (Node, file-storage.ts), an IndexedDB
// backend (browsers, indexeddb-storage.ts) and a memory backend (tests, or a session that should not
// persist). Documents are text, one per adapter hash.

export interface TuneStorage {
  /** Where the documents are, for messages (a path, a database name). */
  readonly location: string;
  /** The document for the adapter hash, or null when there is none. */
  read(adapterHash: string): Promise<string | null>;
  /** Replaces the document whole (the file backend atomically). */
  write(adapterHash: string, text: string): Promise<void>;
}

export function memoryTuneStorage(initial: Record<string, string> = {}): TuneStorage & { documents: Map<string, string> } {
  const documents = new Map(Object.entries(initial));
  return {
    location: 'memory',
    documents,
    read: async (hash) => documents.get(hash) ?? null,
    write: async (hash, text) => { documents.set(hash, text); },
  };
}
