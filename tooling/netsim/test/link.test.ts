import { describe, expect, it } from 'vitest';
import { resolveLinkConfig, type LinkConfig, type TraceEvent } from '../src/index.js';
import { aAddr, B, bAddr, echoPair, ofKind, pair, tagged, tagOf } from './setup.js';

/** Sends `n` tagged datagrams from a to b, one every `spacing` ms starting at `start`, and runs to idle. */
function stream(forward: LinkConfig, n: number, spacing: number, opts: { seed?: number; size?: number; start?: number } = {}) {
  const p = pair(forward, {}, { seed: opts.seed ?? 1 });
  for (let i = 0; i < n; i++) p.a.sendAt((opts.start ?? 0) + i * spacing, bAddr, tagged(i, opts.size ?? 10));
  const result = p.sim.run();
  expect(result.reason).toBe('idle');
  return p;
}

/** Checks `sent + duplicated = delivered + dropped` and that the per-reason counts add up. */
function expectBalanced(s: { sentDatagrams: number; duplicated: number; deliveredDatagrams: number; droppedDatagrams: number; dropped: Record<string, number> }) {
  expect(s.sentDatagrams + s.duplicated).toBe(s.deliveredDatagrams + s.droppedDatagrams);
  expect(Object.values(s.dropped).reduce((x, y) => x + y, 0)).toBe(s.droppedDatagrams);
}

describe('delay', () => {
  it('adds the one-way delay of each direction exactly', () => {
    const p = echoPair({ delay: 12.5 }, { delay: 7.25 });
    p.a.sendAt(0, bAddr, tagged(0));
    p.a.sendAt(3, bAddr, tagged(1));
    p.sim.run();
    expect(p.b.received.map((r) => r.time)).toEqual([12.5, 15.5]);
    expect(p.a.received.map((r) => r.time)).toEqual([19.75, 22.75]);
    expect(p.b.received[0]?.path).toEqual({ local: bAddr, remote: aAddr });
    expect(p.a.received[0]?.path).toEqual({ local: aAddr, remote: bAddr });
    expect(p.sim.now).toBe(22.75);
  });

  it('applies a mid-run update only to datagrams sent after it', () => {
    const p = pair({ delay: 10 });
    p.a.sendAt(40, bAddr, tagged(0));
    p.a.sendAt(60, bAddr, tagged(1));
    p.sim.at(50, () => p.ab.update({ delay: 100 }), 'slow down');
    p.sim.run();
    expect(p.b.received.map((r) => r.time)).toEqual([50, 160]);
    expect(p.ab.config.delay).toBe(100);
    expect(ofKind(p.events, 'actionRan')).toEqual([{ kind: 'actionRan', time: 50, label: 'slow down' }]);
  });
});

describe('bandwidth and queue', () => {
  it('serializes back-to-back datagrams at the configured rate', () => {
    const p = pair({ delay: 10, bandwidth: 1_000_000 });
    for (let i = 0; i < 5; i++) p.a.send(bAddr, tagged(i, 1000));
    p.sim.run();
    expect(p.b.received.map((r) => r.time)).toEqual([11, 12, 13, 14, 15]);
  });

  it('counts per-datagram overhead in the serialization time', () => {
    const p = pair({ bandwidth: 125_000, overheadBytes: 28 }); // 1 Mbit/s; 1222 + 28 = 1250 bytes = 10 ms
    for (let i = 0; i < 3; i++) p.a.send(bAddr, tagged(i, 1222));
    p.sim.run();
    expect(p.b.received.map((r) => r.time)).toEqual([10, 20, 30]);
  });

  it('drops from the tail when the queue is full and counts it', () => {
    const p = pair({ bandwidth: 1_000_000, queueBytes: 3000 });
    for (let i = 0; i < 10; i++) p.a.send(bAddr, tagged(i, 1000));
    p.a.sendAt(10, bAddr, tagged(10, 1000));
    p.sim.run();
    // one on the wire, three queued, six dropped; the late one finds an empty link
    expect(p.b.received.map((r) => [tagOf(r.data), r.time])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [10, 11]]);
    const s = p.ab.stats();
    expect(s.dropped.queue).toBe(6);
    expect(s.droppedBytes).toBe(6000);
    expect(s.maxQueuedBytes).toBe(3000);
    expect(p.ha.stats().dropped.queue).toBe(6);
    expect(ofKind(p.events, 'datagramDropped').map((e) => e.id)).toEqual([4, 5, 6, 7, 8, 9]);
    expectBalanced(s);
  });

  it('frees queue space as datagrams start serializing', () => {
    const p = pair({ bandwidth: 1_000_000, queueBytes: 3000 });
    for (let i = 0; i < 4; i++) p.a.send(bAddr, tagged(i, 1000));
    for (let i = 4; i < 8; i++) p.a.sendAt(2, bAddr, tagged(i, 1000));
    p.sim.run();
    // at t=2: #2 is on the wire, #3 waits (1000 bytes), so #4 and #5 fit and #6, #7 are dropped
    expect(p.b.received.map((r) => [tagOf(r.data), r.time])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
    expect(p.ab.stats().dropped.queue).toBe(2);
  });

  it('with queueBytes 0, drops whatever arrives while the link is busy', () => {
    const p = pair({ bandwidth: 1000, queueBytes: 0 });
    p.a.send(bAddr, tagged(0, 10)); // 10 ms on the wire
    p.a.sendAt(5, bAddr, tagged(1, 10));
    p.a.sendAt(10, bAddr, tagged(2, 10));
    p.sim.run();
    expect(p.b.received.map((r) => [tagOf(r.data), r.time])).toEqual([[0, 10], [2, 20]]);
    expect(p.ab.stats().dropped.queue).toBe(1);
  });
});

describe('random loss', () => {
  it('drops close to the configured rate, exactly the same datagrams for the same seed', () => {
    const run = (seed: number) => stream({ loss: 0.1 }, 10_000, 0.1, { seed });
    const p = run(1);
    const s = p.ab.stats();
    expect(s.dropped.loss).toBe(979);
    expect(s.deliveredDatagrams).toBe(10_000 - 979);
    expect(p.b.received.length).toBe(9021);
    expectBalanced(s);
    const lostIds = (events: readonly TraceEvent[]) => ofKind(events, 'datagramDropped').map((e) => e.id);
    expect(lostIds(run(1).events)).toEqual(lostIds(p.events));
    const other = run(2);
    expect(other.ab.stats().dropped.loss).toBeGreaterThan(900);
    expect(other.ab.stats().dropped.loss).toBeLessThan(1100);
    expect(lostIds(other.events)).not.toEqual(lostIds(p.events));
  });
});

/** Lengths of the runs of consecutive drops among datagrams 0..n-1. */
function dropRuns(events: readonly TraceEvent[], n: number): number[] {
  const dropped = new Set(ofKind(events, 'datagramDropped').map((e) => e.id));
  const runs: number[] = [];
  let run = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && dropped.has(i)) run++;
    else if (run > 0) {
      runs.push(run);
      run = 0;
    }
  }
  return runs;
}

describe('burst loss (Gilbert-Elliott)', () => {
  it('loses datagrams in runs, unlike Bernoulli loss at the same mean rate', () => {
    const n = 10_000;
    const burst = stream({ burstLoss: { pGoodToBad: 0.02, pBadToGood: 0.25 } }, n, 0.1);
    const runs = dropRuns(burst.events, n);
    const lost = burst.ab.stats().dropped.burst;
    expect(lost).toBe(781);
    expect(runs.reduce((x, y) => x + y, 0)).toBe(lost);
    const mean = lost / runs.length;
    expect(mean).toBeGreaterThan(3); // expected 1 / pBadToGood = 4
    expect(Math.max(...runs)).toBeGreaterThanOrEqual(10);

    const rate = 0.02 / (0.02 + 0.25); // the chain's stationary share of bad states
    const bernoulli = stream({ loss: rate }, n, 0.1);
    const bRuns = dropRuns(bernoulli.events, n);
    expect(bRuns.reduce((x, y) => x + y, 0) / bRuns.length).toBeLessThan(1.2);
  });

  it('honours the per-state loss probabilities', () => {
    const never = stream({ burstLoss: { pGoodToBad: 0.5, pBadToGood: 0.5, lossBad: 0 } }, 1000, 1);
    expect(never.ab.stats().droppedDatagrams).toBe(0);
    const always = stream({ burstLoss: { pGoodToBad: 0, pBadToGood: 1, lossGood: 1 } }, 100, 1);
    expect(always.ab.stats().dropped.burst).toBe(100);
  });
});

describe('reordering and jitter', () => {
  it('holds chosen datagrams back by exactly reorderDelay, and they arrive out of order', () => {
    const p = stream({ delay: 20, reorderProbability: 0.1, reorderDelay: 5.5 }, 1000, 1);
    const held = ofKind(p.events, 'datagramReordered');
    const s = p.ab.stats();
    expect(held.length).toBe(s.reordered);
    expect(s.reordered).toBe(111);
    const heldIds = new Set(held.map((e) => e.id));
    for (const d of ofKind(p.events, 'datagramDelivered')) {
      expect(d.time).toBe(d.id + 20 + (heldIds.has(d.id) ? 5.5 : 0));
    }
    const tags = p.b.received.map((r) => tagOf(r.data));
    expect(tags).not.toEqual([...tags].sort((x, y) => x - y));
    expect(s.deliveredOutOfOrder).toBeGreaterThan(0);
    expect(p.b.received.length).toBe(1000);
  });

  it('jitter reorders unless preserveOrder is set', () => {
    const loose = stream({ delay: 10, jitter: 10 }, 500, 1);
    expect(loose.ab.stats().deliveredOutOfOrder).toBeGreaterThan(0);
    const strict = stream({ delay: 10, jitter: 10, preserveOrder: true }, 500, 1);
    expect(strict.ab.stats().deliveredOutOfOrder).toBe(0);
    const times = strict.b.received.map((r) => r.time);
    times.forEach((t, i) => {
      expect(tagOf(strict.b.received[i]?.data as Uint8Array)).toBe(i);
      expect(t).toBeGreaterThanOrEqual(i + 10);
      expect(t).toBeLessThan(i + 20);
      if (i > 0) expect(t).toBeGreaterThanOrEqual(times[i - 1] as number);
    });
  });
});

describe('duplication', () => {
  it('delivers extra, byte-identical copies and counts them', () => {
    const p = stream({ duplicateProbability: 0.3 }, 1000, 1);
    const s = p.ab.stats();
    expect(s.duplicated).toBe(ofKind(p.events, 'datagramDuplicated').length);
    expect(s.duplicated).toBe(284);
    expect(p.b.received.length).toBe(1000 + s.duplicated);
    const counts = new Map<number, number>();
    for (const r of p.b.received) counts.set(tagOf(r.data), (counts.get(tagOf(r.data)) ?? 0) + 1);
    expect(counts.size).toBe(1000);
    expect([...counts.values()].filter((c) => c === 2).length).toBe(s.duplicated);
    for (const r of p.b.received) expect(r.data).toEqual(tagged(tagOf(r.data)));
    expectBalanced(s);
    expectBalanced(p.ha.stats());
  });
});

describe('corruption', () => {
  it('flips exactly corruptBits distinct bits, at the positions traced, in the receiver’s copy only', () => {
    const p = pair({ corruptProbability: 1, corruptBits: 3 });
    const sent = Array.from({ length: 100 }, (_, i) => {
      const d = new Uint8Array(50).fill(i);
      p.a.sendAt(i, bAddr, d);
      return d;
    });
    p.sim.run();
    const flips = new Map(ofKind(p.events, 'datagramCorrupted').map((e) => [e.id, e.bits]));
    expect(p.ab.stats().corrupted).toBe(100);
    p.b.received.forEach((r, i) => {
      const original = new Uint8Array(50).fill(i);
      expect(sent[i]).toEqual(original); // the sender's buffer is untouched
      const diff: number[] = [];
      for (let bit = 0; bit < 400; bit++) {
        const mask = 0x80 >>> (bit & 7);
        if (((r.data[bit >> 3] as number) & mask) !== ((original[bit >> 3] as number) & mask)) diff.push(bit);
      }
      expect(diff).toEqual([...(flips.get(i) ?? [])].sort((x, y) => x - y));
      expect(diff.length).toBe(3);
    });
  });

  it('corrupts about the configured share, and flips every bit of a datagram shorter than corruptBits', () => {
    const p = stream({ corruptProbability: 0.25 }, 1000, 1);
    expect(p.ab.stats().corrupted).toBe(245);
    expect(p.b.received.filter((r, i) => r.data.some((v, j) => v !== tagged(i)[j])).length).toBe(245); // in order: no jitter

    const q = pair({ corruptProbability: 1, corruptBits: 1000 });
    q.a.send(bAddr, new Uint8Array([0x0f, 0xa5]));
    q.a.send(bAddr, new Uint8Array(0)); // nothing to flip: delivered as is, not counted
    q.sim.run();
    expect(q.b.received.map((r) => [...r.data])).toEqual([[0xf0, 0x5a], []]);
    expect(q.ab.stats().corrupted).toBe(1);
  });
});

describe('MTU, blackholes and filters', () => {
  it('drops datagrams larger than the MTU', () => {
    const p = pair({ mtu: 1200 });
    for (const size of [1200, 1201, 3, 65_527]) p.a.send(bAddr, tagged(size, size));
    p.sim.run();
    expect(p.b.received.map((r) => r.data.length)).toEqual([1200, 3]);
    expect(p.ab.stats().dropped.mtu).toBe(2);
    expect(ofKind(p.events, 'datagramDropped').map((e) => [e.reason, e.size])).toEqual([['mtu', 1201], ['mtu', 65_527]]);
  });

  it('drops exactly the datagrams sent into a [from, to) blackhole window', () => {
    const p = stream({ delay: 50, blackholes: [{ from: 100, to: 200 }] }, 30, 10);
    const dropped = ofKind(p.events, 'datagramDropped');
    expect(dropped.map((e) => [e.id, e.time, e.reason])).toEqual(
      Array.from({ length: 10 }, (_, k) => [10 + k, 100 + 10 * k, 'blackhole']),
    );
    // sent at 90, in flight during the window: still delivered
    expect(p.b.received.find((r) => tagOf(r.data) === 9)?.time).toBe(140);
    expect(p.b.received.find((r) => tagOf(r.data) === 20)?.time).toBe(250);
    expect(p.ab.stats().dropped.blackhole).toBe(10);
    expect(p.b.received.length).toBe(20);
  });

  it('drops what the filter chooses and gives it the offer index and time', () => {
    const seen: [number, number, number][] = [];
    let initials = 0;
    const p = pair({
      delay: 1,
      dropFilter: (d, index, now) => {
        seen.push([d[0] as number, index, now]);
        return (d[0] as number) >= 0xc0 && initials++ < 2; // "drop the first two Initials"
      },
    });
    [0xc0, 0xc1, 0x40, 0xc2, 0x41].forEach((first, i) => p.a.sendAt(i * 2, bAddr, new Uint8Array([first, 0])));
    p.sim.run();
    expect(seen).toEqual([[0xc0, 0, 0], [0xc1, 1, 2], [0x40, 2, 4], [0xc2, 3, 6], [0x41, 4, 8]]);
    expect(p.b.received.map((r) => r.data[0])).toEqual([0x40, 0xc2, 0x41]);
    expect(p.ab.stats().dropped.filter).toBe(2);
  });
});

describe('routing', () => {
  it('drops datagrams with no route or no listener, and counts them where they belong', () => {
    const p = pair({ delay: 1 });
    p.a.send({ address: '198.51.100.7', port: 53 }, tagged(0));
    p.a.send({ address: B, port: 9999 }, tagged(1));
    p.sim.run();
    const s = p.ha.stats();
    expect(s.dropped.noRoute).toBe(1);
    expect(s.dropped.noListener).toBe(1);
    expect(p.ab.stats().sentDatagrams).toBe(1); // the unroutable one never entered a link
    expect(p.ab.stats().dropped.noListener).toBe(1);
    expect(ofKind(p.events, 'datagramSent').map((e) => e.link)).toEqual([undefined, '10.0.0.1->10.0.0.2']);
  });
});

describe('resolveLinkConfig', () => {
  it('fills defaults', () => {
    const c = resolveLinkConfig();
    expect(c).toMatchObject({ delay: 0, jitter: 0, bandwidth: Infinity, queueBytes: Infinity, mtu: Infinity, loss: 0, corruptBits: 1, reorderDelay: 10 });
    expect(resolveLinkConfig({ burstLoss: { pGoodToBad: 0.1, pBadToGood: 0.5 } }).burstLoss).toEqual({ pGoodToBad: 0.1, pBadToGood: 0.5, lossGood: 0, lossBad: 1 });
  });

  it.each<[LinkConfig, RegExp]>([
    [{ loss: 1.5 }, /loss/],
    [{ loss: Number.NaN }, /loss/],
    [{ delay: -1 }, /delay/],
    [{ delay: Infinity }, /delay/],
    [{ bandwidth: 0 }, /bandwidth/],
    [{ queueBytes: -5 }, /queueBytes/],
    [{ corruptBits: 0 }, /corruptBits/],
    [{ duplicateProbability: 2 }, /duplicateProbability/],
    [{ burstLoss: { pGoodToBad: 0.1, pBadToGood: 1.1 } }, /pBadToGood/],
    [{ blackholes: [{ from: 10, to: 5 }] }, /blackholes\[0\]/],
  ])('rejects %o naming the field', (config, name) => {
    expect(() => resolveLinkConfig(config)).toThrow(name);
    expect(() => resolveLinkConfig(config)).toThrow(RangeError);
  });
});
