import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReceivedPacketTracker, decodeAckDelay, encodeAckDelay } from './ack-tracker.js';

const app = (opts: { maxRanges?: number; maxAckDelay?: number } = {}) =>
  new ReceivedPacketTracker({ space: 'application', ...opts });

describe('ReceivedPacketTracker: ranges and duplicates', () => {
  it('collapses in-order packets into one range and splits on gaps, descending', () => {
    const t = app();
    for (const pn of [0, 1, 2, 3, 5, 6, 9]) expect(t.onPacketReceived(pn, 10, true)).toBe(true);
    expect(t.buildAck(10, 3)?.ranges).toEqual([
      { smallest: 9, largest: 9 },
      { smallest: 5, largest: 6 },
      { smallest: 0, largest: 3 },
    ]);
    // Filling gaps merges ranges.
    t.onPacketReceived(4, 11, true);
    t.onPacketReceived(8, 11, true);
    t.onPacketReceived(7, 11, true);
    expect(t.buildAck(11, 3)?.ranges).toEqual([{ smallest: 0, largest: 9 }]);
    expect(t.largestReceived).toBe(9);
  });

  it('detects duplicates, in ranges and below the tracked window', () => {
    const t = app();
    t.onPacketReceived(10, 0, true);
    t.onPacketReceived(12, 0, true);
    expect(t.isDuplicate(10)).toBe(true);
    expect(t.isDuplicate(11)).toBe(false);
    expect(t.isDuplicate(13)).toBe(false);
    expect(t.onPacketReceived(12, 1, true)).toBe(false);
    t.onAckFrameAcked(10);
    expect(t.isDuplicate(3)).toBe(true); // below the window: treated as a duplicate
    expect(t.isDuplicate(11)).toBe(false);
    expect(t.buildAck(2, 3)?.ranges).toEqual([{ smallest: 12, largest: 12 }]);
  });

  it('forgets acknowledged ranges, trimming the one that straddles (RFC 9000 §13.2.4)', () => {
    const t = app();
    for (const pn of [0, 1, 2, 4, 5, 6, 8]) t.onPacketReceived(pn, 0, false);
    t.onAckFrameAcked(5);
    expect(t.buildAck(0, 0)?.ranges).toEqual([
      { smallest: 8, largest: 8 },
      { smallest: 6, largest: 6 },
    ]);
    t.onAckFrameAcked(8);
    expect(t.buildAck(0, 0)).toBeUndefined();
    expect(t.isDuplicate(7)).toBe(true);
  });

  it('keeps at most maxRanges ranges under a flood of gaps, dropping the smallest', () => {
    const t = app({ maxRanges: 32 });
    for (let pn = 0; pn < 20_000; pn += 2) t.onPacketReceived(pn, pn, true);
    expect(t.rangeCount).toBe(32);
    const ack = t.buildAck(20_000, 3);
    expect(ack?.ranges[0]).toEqual({ smallest: 19_998, largest: 19_998 });
    expect(ack?.ranges[31]).toEqual({ smallest: 19_998 - 62, largest: 19_998 - 62 });
    // Everything below the smallest kept range counts as already received.
    expect(t.isDuplicate(101)).toBe(true);
    expect(t.onPacketReceived(101, 1, true)).toBe(false);
    expect(t.isDuplicate(19_997)).toBe(false);
    // An out-of-order packet below every kept range is dropped at once.
    const u = app({ maxRanges: 2 });
    u.onPacketReceived(10, 0, true);
    u.onPacketReceived(20, 0, true);
    expect(u.onPacketReceived(5, 0, true)).toBe(true);
    expect(u.rangeCount).toBe(2);
    expect(u.isDuplicate(5)).toBe(true);
  });

  it('property: ranges and duplicates match a model set (below the range limit)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(300), { maxLength: 200 }), (received) => {
        const t = app({ maxRanges: 1000 });
        const model = new Set<number>();
        for (const pn of received) {
          expect(t.onPacketReceived(pn, 0, pn % 3 === 0)).toBe(!model.has(pn));
          model.add(pn);
        }
        const expected: { smallest: number; largest: number }[] = [];
        for (const pn of [...model].sort((a, b) => b - a)) {
          const last = expected[expected.length - 1];
          if (last !== undefined && last.smallest === pn + 1) last.smallest = pn;
          else expected.push({ smallest: pn, largest: pn });
        }
        expect(t.buildAck(0, 3)?.ranges ?? []).toEqual(expected);
        for (let pn = 0; pn <= 301; pn++) expect(t.isDuplicate(pn)).toBe(model.has(pn));
      }),
      { numRuns: 200 },
    );
  });
});

describe('ReceivedPacketTracker: when an ACK is due (RFC 9000 §13.2.1, §13.2.2)', () => {
  it('acknowledges Initial and Handshake packets immediately', () => {
    for (const space of ['initial', 'handshake'] as const) {
      const t = new ReceivedPacketTracker({ space, maxAckDelay: 25 });
      t.onPacketReceived(0, 100, true);
      expect(t.ackDeadline()).toBe(100);
    }
  });

  it('waits max_ack_delay after one ack-eliciting packet, and acknowledges every second at once', () => {
    const t = app({ maxAckDelay: 25 });
    t.onPacketReceived(0, 100, true);
    expect(t.ackDeadline()).toBe(125);
    t.onPacketReceived(1, 110, true);
    expect(t.ackDeadline()).toBe(110);
    t.onAckSent();
    expect(t.ackDeadline()).toBeUndefined();
    t.onPacketReceived(2, 120, true);
    expect(t.ackDeadline()).toBe(145);
  });

  it('does not ask for an ACK for non-ack-eliciting packets, but includes them in the next one', () => {
    const t = app();
    t.onPacketReceived(0, 100, false);
    t.onPacketReceived(1, 101, false);
    expect(t.ackDeadline()).toBeUndefined();
    expect(t.ackPending()).toBe(true);
    t.onPacketReceived(2, 102, true);
    expect(t.ackDeadline()).toBe(127);
    expect(t.buildAck(110, 3)?.ranges).toEqual([{ smallest: 0, largest: 2 }]);
  });

  it('acknowledges at once a packet arriving out of order or opening a gap, or marked CE', () => {
    const reordered = app();
    reordered.onPacketReceived(5, 0, true);
    reordered.onAckSent();
    reordered.onPacketReceived(3, 10, true);
    expect(reordered.ackDeadline()).toBe(10);

    const gap = app();
    gap.onPacketReceived(0, 0, true);
    gap.onAckSent();
    gap.onPacketReceived(2, 10, true);
    expect(gap.ackDeadline()).toBe(10);

    // No gap when non-ack-eliciting packets filled the numbers in between.
    const filled = app();
    filled.onPacketReceived(0, 0, true);
    filled.onAckSent();
    filled.onPacketReceived(1, 5, false);
    filled.onPacketReceived(2, 10, true);
    expect(filled.ackDeadline()).toBe(35);

    const ce = app();
    ce.onPacketReceived(0, 7, true, 'ce');
    expect(ce.ackDeadline()).toBe(7);
  });
});

describe('ReceivedPacketTracker: ACK frame content', () => {
  it('encodes the ACK delay of the largest packet with the exponent, and ECN counts once seen', () => {
    const t = app();
    t.onPacketReceived(0, 100, true, 'ect0');
    t.onPacketReceived(1, 101, true, 'ect0');
    t.onPacketReceived(2, 102, false, 'ce');
    t.onPacketReceived(3, 103, true, 'ect1');
    // 10 ms after the largest arrived: 10000 us >> 3 = 1250.
    expect(t.buildAck(113, 3)).toEqual({
      ranges: [{ smallest: 0, largest: 3 }],
      ackDelay: 1250,
      ecn: { ect0: 2, ect1: 1, ce: 1 },
    });
    expect(app().buildAck(0, 3)).toBeUndefined();
    const plain = app();
    plain.onPacketReceived(4, 0, true);
    expect(plain.buildAck(0, 3)).toEqual({ ranges: [{ smallest: 4, largest: 4 }], ackDelay: 0 });
  });

  it('encodeAckDelay / decodeAckDelay follow RFC 9000 §19.3', () => {
    expect(encodeAckDelay(25, 3)).toBe(3125);
    expect(decodeAckDelay(3125, 3)).toBe(25);
    expect(encodeAckDelay(1.5, 0)).toBe(1500);
    expect(encodeAckDelay(-4, 3)).toBe(0);
    expect(decodeAckDelay(2 ** 40, 20)).toBe(2 ** 60 / 1000);
    expect(() => encodeAckDelay(1, 21)).toThrow(RangeError);
    fc.assert(
      fc.property(fc.nat(2 ** 30), fc.integer({ min: 0, max: 20 }), (field, exp) => {
        expect(encodeAckDelay(decodeAckDelay(field, exp), exp)).toBe(field);
      }),
      { numRuns: 200 },
    );
  });

  it('validates its options and packet numbers', () => {
    expect(() => app({ maxRanges: 0 })).toThrow(RangeError);
    expect(() => app({ maxAckDelay: -1 })).toThrow(RangeError);
    expect(() => app().onPacketReceived(-1, 0, true)).toThrow(RangeError);
  });
});
