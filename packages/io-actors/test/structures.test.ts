/**
 * The router's data structures against simple models (fast-check): the connection ID map (including forced hash
 * collisions and owner-checked deletes), the bounded ring queue, and the stateless-reset token bucket.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '@qk/octets';
import { BoundedQueue, ConnectionIdMap, TokenBucket } from '../src/index.js';

const cid = fc.uint8Array({ minLength: 0, maxLength: 20 });
type MapOp = { op: 'set'; cid: Uint8Array; v: number } | { op: 'delete'; cid: Uint8Array; owner?: number } | { op: 'get'; cid: Uint8Array };
const mapOp: fc.Arbitrary<MapOp> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), cid, v: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('delete' as const), cid }, { requiredKeys: ['op', 'cid'] }),
  fc.record({ op: fc.constant('delete' as const), cid, owner: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('get' as const), cid }),
);

describe('ConnectionIdMap', () => {
  it('behaves like a Map keyed by hex (property)', () => {
    fc.assert(
      fc.property(fc.array(mapOp, { maxLength: 60 }), fc.integer(), (ops, seed) => {
        const map = new ConnectionIdMap<number>(seed);
        const model = new Map<string, number>();
        // Reuse a small pool of IDs so sets, deletes and gets collide often.
        for (const o of ops) {
          const key = toHex(o.cid.subarray(0, 2));
          const k = o.cid.subarray(0, 2);
          if (o.op === 'set') {
            expect(map.set(k, o.v)).toBe(model.get(key));
            model.set(key, o.v);
          } else if (o.op === 'delete') {
            const expected = model.has(key) && (o.owner === undefined || model.get(key) === o.owner);
            expect(map.delete(k, o.owner)).toBe(expected);
            if (expected) model.delete(key);
          } else {
            expect(map.get(k)).toBe(model.get(key));
          }
          expect(map.size).toBe(model.size);
        }
        expect(new Map([...map.entries()].map(([c, v]) => [toHex(c), v]))).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });

  it('copies keys, so a view into a reused buffer cannot change the mapping', () => {
    const buffer = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const map = new ConnectionIdMap<string>();
    map.set(buffer.subarray(0, 4), 'a');
    buffer.fill(0);
    expect(map.get(new Uint8Array([1, 2, 3, 4]))).toBe('a');
    expect(map.get(new Uint8Array([0, 0, 0, 0]))).toBeUndefined();
  });

  it('keeps colliding IDs apart (every ID in one bucket)', () => {
    class Colliding extends ConnectionIdMap<number> {
      override hash(): number {
        return 42;
      }
    }
    const colliding = new Colliding();
    const a = new Uint8Array([1, 2, 3, 4]);
    const b = new Uint8Array([1, 2, 3, 5]);
    const c = new Uint8Array([1, 2, 3]);
    colliding.set(a, 1);
    colliding.set(b, 2);
    colliding.set(c, 3);
    expect([colliding.get(a), colliding.get(b), colliding.get(c)]).toEqual([1, 2, 3]);
    expect(colliding.delete(a, 2)).toBe(false); // wrong owner: an unmap from another worker
    expect(colliding.delete(a, 1)).toBe(true);
    expect(colliding.get(a)).toBeUndefined();
    expect([colliding.get(b), colliding.get(c)]).toEqual([2, 3]);
    expect(colliding.size).toBe(2);
  });

  it('hashes with a per-map seed', () => {
    const c = new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]);
    expect(new ConnectionIdMap(1).hash(c)).not.toBe(new ConnectionIdMap(2).hash(c));
    expect(new ConnectionIdMap(1).hash(c)).toBe(new ConnectionIdMap(1).hash(c));
  });
});

describe('BoundedQueue', () => {
  it('is a FIFO of at most `capacity` items (property)', () => {
    type QOp = { op: 'push' | 'unshift'; v: number } | { op: 'shift' };
    const qop: fc.Arbitrary<QOp> = fc.oneof(
      fc.record({ op: fc.constantFrom('push' as const, 'unshift' as const), v: fc.integer() }),
      fc.constant({ op: 'shift' as const }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(qop, { maxLength: 80 }), (capacity, ops) => {
        const q = new BoundedQueue<number>(capacity);
        const model: number[] = [];
        for (const o of ops) {
          if (o.op === 'shift') expect(q.shift()).toBe(model.shift());
          else {
            const fits = model.length < capacity;
            expect(o.op === 'push' ? q.push(o.v) : q.unshift(o.v)).toBe(fits);
            if (fits) o.op === 'push' ? model.push(o.v) : model.unshift(o.v);
          }
          expect(q.length).toBe(model.length);
          expect(q.isFull()).toBe(model.length === capacity);
          expect(q.peek()).toBe(model[0]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a capacity below 1', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
    expect(() => new BoundedQueue(1.5)).toThrow(RangeError);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the rate', () => {
    const b = new TokenBucket(10, 3); // 10 per second: one per 100 ms
    expect([0, 0, 0, 0].map(() => b.take(1000))).toEqual([true, true, true, false]);
    expect(b.take(1050)).toBe(false);
    expect(b.take(1100)).toBe(true);
    expect(b.take(1100)).toBe(false);
    expect(b.take(5000)).toBe(true); // refills to the burst, not beyond
    expect(b.take(5000)).toBe(true);
    expect(b.take(5000)).toBe(true);
    expect(b.take(5000)).toBe(false);
  });

  it('never grants more than burst + rate * elapsed (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { maxLength: 100 }),
        (rate, burst, steps) => {
          const b = new TokenBucket(rate, burst);
          let t = 0;
          let granted = 0;
          for (const dt of steps) {
            t += dt;
            if (b.take(t)) granted++;
          }
          expect(granted).toBeLessThanOrEqual(burst + (rate * t) / 1000 + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ignores time going backwards and rejects bad parameters', () => {
    const b = new TokenBucket(1000, 1);
    expect(b.take(100)).toBe(true);
    expect(b.take(50)).toBe(false);
    expect(() => new TokenBucket(-1, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});
