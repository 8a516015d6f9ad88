import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.js';

const MDS = 1200;

describe('Pacer (RFC 9002 §7.7)', () => {
  it('lets the initial burst of 10 datagrams go at once, then spaces datagrams at the rate', () => {
    const p = new Pacer({ maxDatagramSize: MDS });
    const rate = 12; // bytes per ms: one datagram per 100 ms
    for (let i = 0; i < 10; i++) {
      expect(p.nextReleaseTime(0, MDS, rate)).toBe(0);
      p.onSent(0, MDS, rate);
    }
    expect(p.nextReleaseTime(0, MDS, rate)).toBe(100);
    p.onSent(100, MDS, rate);
    expect(p.nextReleaseTime(100, MDS, rate)).toBe(200);
    expect(p.nextReleaseTime(150, MDS, rate)).toBe(200);
  });

  it('after idling, allows only the burst allowance (2 datagrams), not the initial burst again', () => {
    const p = new Pacer({ maxDatagramSize: MDS });
    for (let i = 0; i < 10; i++) p.onSent(0, MDS, 12);
    let t = 10_000;
    const releases: number[] = [];
    for (let i = 0; i < 4; i++) {
      t = p.nextReleaseTime(t, MDS, 12);
      releases.push(t);
      p.onSent(t, MDS, 12);
    }
    expect(releases).toEqual([10_000, 10_000, 10_100, 10_200]);
  });

  it('holds at least one timer tick of sending at high rates', () => {
    const p = new Pacer({ maxDatagramSize: MDS, timerGranularity: 1 });
    expect(p.capacity(12)).toBe(2 * MDS);
    expect(p.capacity(125_000)).toBe(125_000); // 1 Gbit/s: 1 ms worth
    expect(new Pacer({ maxDatagramSize: MDS, burstPackets: 5 }).capacity(1)).toBe(5 * MDS);
  });

  it('does not pace when the rate is unknown, and caps the debt left by unpaced sends', () => {
    const p = new Pacer({ maxDatagramSize: MDS, initialBurstPackets: 2 });
    expect(p.nextReleaseTime(5, MDS, 0)).toBe(5);
    expect(p.nextReleaseTime(5, MDS, Infinity)).toBe(5);
    for (let i = 0; i < 50; i++) p.onSent(0, MDS, 12); // probes sent regardless of pacing
    // Debt is capped at one bucket (2400 bytes): the next datagram waits (0 + 2400 + 1200) / 12 ms.
    expect(p.nextReleaseTime(0, MDS, 12)).toBe(300);
  });

  it('validates its options', () => {
    expect(() => new Pacer({ maxDatagramSize: 0 })).toThrow(RangeError);
    expect(() => new Pacer({ maxDatagramSize: MDS, burstPackets: 0 })).toThrow(RangeError);
    expect(() => new Pacer({ maxDatagramSize: MDS, initialBurstPackets: 1.5 })).toThrow(RangeError);
    expect(() => new Pacer({ maxDatagramSize: MDS, timerGranularity: -1 })).toThrow(RangeError);
  });

  it('property: released bytes over any interval T never exceed burst + rate * T', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 10_000, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 20, maxLength: 80 }),
        (rate, gaps) => {
          const p = new Pacer({ maxDatagramSize: MDS, initialBurstPackets: 1 });
          const times: number[] = [];
          let t = 0;
          for (const g of gaps) {
            t = p.nextReleaseTime(t + g, MDS, rate);
            p.onSent(t, MDS, rate);
            times.push(t);
          }
          const burst = p.capacity(rate);
          for (let i = 0; i < times.length; i++) {
            for (let j = i; j < times.length; j++) {
              const span = (times[j] as number) - (times[i] as number);
              expect((j - i + 1) * MDS).toBeLessThanOrEqual(burst + rate * span + MDS + 1e-6);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
