// Which adapter a tuned choice belongs to: vendor, architecture, driver description and device. A
// choice measured on one GPU (or one driver version: lavapipe's description carries Mesa's and LLVM's)
// says nothing about another, so each adapter has its own cache.
import type { AdapterSummary } from '../../src/runtime/engine.ts';
import { canonicalJson, sha256Hex } from './hash.ts';

export interface AdapterIdentity {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
}

export function adapterIdentity(a: AdapterSummary): AdapterIdentity {
  return { vendor: a.vendor, architecture: a.architecture, description: a.description, device: a.device };
}

export function sameAdapter(a: AdapterIdentity, b: AdapterIdentity): boolean {
  return a.vendor === b.vendor && a.architecture === b.architecture && a.description === b.description && a.device === b.device;
}

/** 16 hex digits of the identity's SHA-256: names the adapter's cache file or record. */
export async function adapterHash(a: AdapterIdentity): Promise<string> {
  return (await sha256Hex(canonicalJson(adapterIdentity({ ...a, isCpu: false })))).slice(0, 16);
}
