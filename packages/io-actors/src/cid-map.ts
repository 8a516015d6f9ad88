/**
 * A map from connection ID bytes to a value, for the router's per-datagram lookup: `get` hashes the bytes in place
 * (no string, no copy, no allocation), so routing a datagram costs one hash and a short bucket scan. The hash is
 * seeded per map from the OS random source, so a peer that picks its own connection IDs (a client's first DCID)
 * cannot aim them at one bucket without learning the seed.
 */

interface Entry<V> {
  readonly cid: Uint8Array;
  value: V;
}

function randomSeed(): number {
  // qk-allow-ambient: io-actors is the I/O layer; a per-map hash seed needs no determinism
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Connection ID → value. Keys are copied on insertion, so callers may pass views into receive buffers.
 *
 * @example
 * const map = new ConnectionIdMap<IoWorker>();
 * map.set(cid, worker);
 * map.get(datagram.subarray(1, 9)); // worker
 */
export class ConnectionIdMap<V> {
  private readonly buckets = new Map<number, Entry<V>[]>();
  private readonly seed: number;
  private count = 0;

  /** @param seed the hash seed; random when omitted (tests pass one to force collisions) */
  constructor(seed: number = randomSeed()) {
    this.seed = seed >>> 0;
  }

  /** Number of connection IDs mapped. */
  get size(): number {
    return this.count;
  }

  /** The seeded 32-bit hash of `cid` (FNV-1a steps, then a murmur3 finaliser). */
  hash(cid: Uint8Array): number {
    let h = (this.seed ^ 0x811c9dc5) >>> 0;
    for (let i = 0; i < cid.length; i++) h = Math.imul(h ^ cid[i]!, 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** The value mapped to `cid`, or `undefined`. */
  get(cid: Uint8Array): V | undefined {
    const bucket = this.buckets.get(this.hash(cid));
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i]!;
      if (sameBytes(e.cid, cid)) return e.value;
    }
    return undefined;
  }

  /** True when `cid` is mapped. */
  has(cid: Uint8Array): boolean {
    return this.get(cid) !== undefined;
  }

  /** Maps `cid` (copied) to `value`; returns the value it replaced, if any. */
  set(cid: Uint8Array, value: V): V | undefined {
    const h = this.hash(cid);
    let bucket = this.buckets.get(h);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(h, bucket);
    }
    for (const e of bucket) {
      if (sameBytes(e.cid, cid)) {
        const old = e.value;
        e.value = value;
        return old;
      }
    }
    bucket.push({ cid: new Uint8Array(cid), value });
    this.count++;
    return undefined;
  }

  /**
   * Unmaps `cid`. With `owner`, only when it is mapped to that value: a worker's unmap message never removes an
   * ID that meanwhile belongs to another connection. Returns true when something was removed.
   */
  delete(cid: Uint8Array, owner?: V): boolean {
    const h = this.hash(cid);
    const bucket = this.buckets.get(h);
    if (bucket === undefined) return false;
    for (let i = 0; i < bucket.length; i++) {
      const e = bucket[i]!;
      if (!sameBytes(e.cid, cid)) continue;
      if (owner !== undefined && e.value !== owner) return false;
      bucket.splice(i, 1);
      if (bucket.length === 0) this.buckets.delete(h);
      this.count--;
      return true;
    }
    return false;
  }

  /** Every (connection ID, value) pair; the IDs are the map's own copies. */
  *entries(): IterableIterator<[Uint8Array, V]> {
    for (const bucket of this.buckets.values()) for (const e of bucket) yield [e.cid, e.value];
  }

  /** Removes everything. */
  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }
}
