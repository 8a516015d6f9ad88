import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransportError, TransportErrorCode } from '../../src/errors.js';
import { ReceiveWindow, SendCredit } from '../../src/streams/flow-control.js';
import { RangeSet } from '../../src/streams/range-set.js';
import { RecvBuffer } from '../../src/streams/recv-buffer.js';
import { SendBuffer } from '../../src/streams/send-buffer.js';

const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransportError) return e.code;
    throw e;
  }
  return undefined;
};

describe('RangeSet', () => {
  it('matches a naive set under random adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(60), fc.nat(20)), { maxLength: 40 }),
        (ops) => {
          const set = new RangeSet();
          const naive = new Set<number>();
          for (const [add, start, len] of ops) {
            if (add) {
              set.add(start, start + len);
              for (let i = start; i < start + len; i++) naive.add(i);
            } else {
              set.remove(start, start + len);
              for (let i = start; i < start + len; i++) naive.delete(i);
            }
          }
          for (let i = 0; i < 85; i++) expect(set.has(i)).toBe(naive.has(i));
          const arr = set.toArray();
          for (let i = 1; i < arr.length; i++) expect(arr[i]![0]).toBeGreaterThan(arr[i - 1]![1]);
          const gaps: number[] = [];
          set.forEachGap(10, 50, (s, e) => {
            for (let i = s; i < e; i++) gaps.push(i);
          });
          expect(gaps).toEqual([...Array(40).keys()].map((i) => i + 10).filter((i) => !naive.has(i)));
        },
      ),
    );
  });
});

describe('RecvBuffer', () => {
  it('reassembles any order of overlapping, duplicated fragments', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.array(fc.tuple(fc.nat(299), fc.integer({ min: 1, max: 80 })), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        (payload, cuts, readBetween) => {
          const buf = new RecvBuffer();
          const out: number[] = [];
          const drain = () => {
            for (let d = buf.read(7); d; d = buf.read(7)) out.push(...d);
          };
          const frags = cuts.map(([o, l]) => [Math.min(o, payload.length - 1), l] as const);
          frags.push([0, payload.length]); // make sure everything arrives eventually
          for (const [o, l] of frags) {
            const end = Math.min(payload.length, o + l);
            buf.insert(o, payload.subarray(o, end), end === payload.length);
            if (readBetween) drain();
          }
          drain();
          expect(Uint8Array.from(out)).toEqual(payload);
          expect(buf.isFinished()).toBe(true);
          expect(buf.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it('enforces the final size (RFC 9000 §4.5)', () => {
    const b = new RecvBuffer();
    b.insert(0, new Uint8Array(10), true);
    expect(codeOf(() => b.insert(5, new Uint8Array(10), false))).toBe(TransportErrorCode.FINAL_SIZE_ERROR);
    expect(codeOf(() => b.setFinalSize(12))).toBe(TransportErrorCode.FINAL_SIZE_ERROR);
    const c = new RecvBuffer();
    c.insert(0, new Uint8Array(20), false);
    expect(codeOf(() => c.setFinalSize(10))).toBe(TransportErrorCode.FINAL_SIZE_ERROR);
  });

  it('bounds out-of-order fragments', () => {
    const b = new RecvBuffer(16);
    for (let i = 0; i < 16; i++) b.insert(10 + i * 2, new Uint8Array(1), false);
    expect(codeOf(() => b.insert(100, new Uint8Array(1), false))).toBe(TransportErrorCode.PROTOCOL_VIOLATION);
  });
});

describe('SendBuffer', () => {
  it('delivers every byte exactly under random loss, reordering of acks, and chunk sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 64 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 200 }),
        (writes, schedule) => {
          const sb = new SendBuffer();
          const all = Uint8Array.from(writes.flatMap((w) => [...w]));
          for (const w of writes) sb.write(w);
          sb.finish();
          const received = new RecvBuffer();
          let step = 0;
          while (!sb.isFullyAcked() && step < 5000) {
            const [size, luck] = schedule[step % schedule.length]!;
            step++;
            const chunk = sb.nextChunk(size);
            if (!chunk) break;
            sb.onSent(chunk.offset, chunk.data.length, chunk.fin);
            if (luck < 0.3 && step < 4000) sb.onLost(chunk.offset, chunk.data.length, chunk.fin);
            else {
              received.insert(chunk.offset, chunk.data.slice(), chunk.fin);
              sb.onAck(chunk.offset, chunk.data.length, chunk.fin);
            }
          }
          expect(sb.isFullyAcked()).toBe(true);
          expect(sb.bufferedBytes).toBe(0);
          const out: number[] = [];
          for (let d = received.read(); d; d = received.read()) out.push(...d);
          expect(Uint8Array.from(out)).toEqual(all);
        },
      ),
    );
  });

  it('sends new data only within the flow-control limit, retransmissions regardless', () => {
    const sb = new SendBuffer();
    sb.write(new Uint8Array(100));
    const c = sb.nextChunk(1000, 40)!;
    expect([c.offset, c.data.length, c.fin]).toEqual([0, 40, false]);
    sb.onSent(0, 40, false);
    expect(sb.nextChunk(1000, 40)).toBeUndefined();
    sb.onLost(0, 40, false);
    expect(sb.nextChunk(10, 40)!.data.length).toBe(10);
  });

  it('sends a lone FIN after the data', () => {
    const sb = new SendBuffer();
    sb.write(new Uint8Array(5));
    const c = sb.nextChunk(100)!;
    sb.onSent(c.offset, c.data.length, c.fin);
    sb.finish();
    const fin = sb.nextChunk(100)!;
    expect([fin.offset, fin.data.length, fin.fin]).toEqual([5, 0, true]);
  });
});

describe('flow control', () => {
  it('rejects data beyond the advertised limit', () => {
    const w = new ReceiveWindow(100);
    w.onReceived(100);
    expect(codeOf(() => w.onReceived(101, 0x08))).toBe(TransportErrorCode.FLOW_CONTROL_ERROR);
  });

  it('raises the limit after half the window is consumed and doubles it when consumption is fast', () => {
    const w = new ReceiveWindow(100, 400);
    w.onReceived(60);
    w.onConsumed(40);
    expect(w.update(0, 10)).toBeUndefined();
    w.onConsumed(20);
    expect(w.update(0, 10)).toBe(160);
    w.onReceived(160);
    w.onConsumed(100);
    expect(w.update(5, 10)).toBe(160 + 200); // consumed within 2 RTT: window doubled
    w.onConsumed(200);
    expect(w.update(1000, 10)).toBe(360 + 200); // slow consumer: window kept
  });

  it('reports blocked once per limit', () => {
    const c = new SendCredit(10);
    c.setUsed(10);
    expect(c.blockedFrameDue()).toBe(10);
    c.onBlockedSent();
    expect(c.blockedFrameDue()).toBeUndefined();
    c.onBlockedLost(10);
    expect(c.blockedFrameDue()).toBe(10);
    expect(c.raise(5)).toBe(false);
    expect(c.raise(20)).toBe(true);
    expect(c.blockedFrameDue()).toBeUndefined();
  });
});
