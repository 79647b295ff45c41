// The browser backend of the tune cache: one IndexedDB object store, a document per adapter hash.
import type { TuneStorage } from './storage.ts';

const STORE = 'tune';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

export function indexedDbTuneStorage(databaseName = 'webgpu-hat-tune', factory: IDBFactory = globalThis.indexedDB): TuneStorage {
  let opened: Promise<IDBDatabase> | null = null;
  const open = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const r = factory.open(databaseName, 1);
      r.onupgradeneeded = () => { if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE); };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error(`IndexedDB ${databaseName} could not be opened`));
    });
    return opened;
  };
  return {
    location: `IndexedDB ${databaseName}`,
    async read(hash) {
      const db = await open();
      const value = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(hash));
      return typeof value === 'string' ? value : null;
    },
    async write(hash, text) {
      const db = await open();
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(text, hash);
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
      });
    },
  };
}
