import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../src/index.js';

describe('EventQueue', () => {
  it('pops in (time, seq) order whatever the insertion order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue<{ time: number; seq: number }>();
        const items = times.map((time, seq) => ({ time, seq }));
        // insert in a scrambled but deterministic order
        const order = [...items].sort((a, b) => ((a.seq * 7919) % 211) - ((b.seq * 7919) % 211) || a.seq - b.seq);
        for (const it of order) q.push(it);
        expect(q.size).toBe(items.length);
        const out: { time: number; seq: number }[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e);
        const expected = [...items].sort((a, b) => a.time - b.time || a.seq - b.seq);
        expect(out).toEqual(expected);
        expect(q.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps ties in insertion order and supports interleaved push/pop', () => {
    const q = new EventQueue<{ time: number; seq: number; tag: string }>();
    q.push({ time: 5, seq: 0, tag: 'a' });
    q.push({ time: 1, seq: 1, tag: 'b' });
    q.push({ time: 5, seq: 2, tag: 'c' });
    expect(q.peek()?.tag).toBe('b');
    expect(q.pop()?.tag).toBe('b');
    q.push({ time: 5, seq: 3, tag: 'd' });
    q.push({ time: 2.5, seq: 4, tag: 'e' });
    expect([q.pop(), q.pop(), q.pop(), q.pop()].map((e) => e?.tag)).toEqual(['e', 'a', 'c', 'd']);
    expect(q.pop()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
  });
});
