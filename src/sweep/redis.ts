// Connections to the sweep's Redis: redis://[:PASSWORD@]HOST:PORT[/DB] or rediss:// (TLS). The URL is
// shown only with its password redacted. A Redis that cannot be reached is a RedisUnavailableError naming
// the URL within seconds, never an endless reconnect loop.
import { Redis } from 'ioredis';
import { UsageError } from '../config/index.ts';

/** Redis could not be reached, or stopped answering. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** How long a first connection, or one request, may take before Redis counts as unreachable. */
export const REDIS_TIMEOUT_MS = 5000;

/** The URL with its password (and user) replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** A redis:// or rediss:// URL, or a UsageError. */
export function checkRedisUrl(url: string, label = '--queue'): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${label}: expected redis://HOST:PORT or rediss://HOST:PORT, got "${redactUrl(url)}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UsageError(`${label}: expected redis:// or rediss://, got "${redactUrl(url)}"`);
  if (!u.hostname) throw new UsageError(`${label}: no host in "${redactUrl(url)}"`);
  return url;
}

/**
 * A connection for BullMQ (which needs maxRetriesPerRequest null: its blocking commands wait for jobs).
 * After it has once connected it reconnects on its own, every second at most; errors are kept for
 * messages rather than printed by ioredis.
 */
export function bullConnection(url: string, onError: (e: Error) => void = () => {}): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: REDIS_TIMEOUT_MS, retryStrategy: (times) => Math.min(200 * times, 1000) });
  client.on('error', onError);
  return client;
}

/** Connects once, without retrying, and pings: the error names the URL when Redis is not there. */
export async function probeRedis(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: REDIS_TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let last: Error | null = null;
  client.on('error', (e: Error) => { last = e; });
  try {
    await withTimeout(client.connect().then(() => client.ping()), REDIS_TIMEOUT_MS, 'no answer');
  } catch (e) {
    const reason = (last as Error | null)?.message ?? (e as Error).message;
    throw new RedisUnavailableError(`cannot reach Redis at ${redactUrl(url)}: ${reason}`);
  } finally {
    client.disconnect();
  }
}

/** `promise`, or a rejection with `what` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} after ${ms / 1000} s`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
