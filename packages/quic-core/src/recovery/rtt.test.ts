import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RttEstimator } from './rtt.js';
import { kInitialRtt } from './types.js';
import vectors from './vectors/rtt.json' with { type: 'json' };

describe('RttEstimator (RFC 9002 §5)', () => {
  it('starts from kInitialRtt: smoothed 333 ms, rttvar 166.5 ms, a PTO of about one second (§6.2.2)', () => {
    const rtt = new RttEstimator();
    expect(rtt.smoothedRtt).toBe(kInitialRtt);
    expect(rtt.rttvar).toBe(166.5);
    expect(rtt.minRtt).toBe(0);
    expect(rtt.firstRttSample).toBeUndefined();
    expect(rtt.pto(25, false)).toBe(999);
    expect(rtt.pto(25, true)).toBe(1024);
  });

  it('follows the vector sequence exactly', () => {
    const rtt = new RttEstimator();
    let now = 1000;
    for (const v of vectors.entries) {
      now += 500;
      rtt.updateRtt(v.latestRtt, v.ackDelay, v.handshakeConfirmed, now, v.maxAckDelay);
      expect({ smoothedRtt: rtt.smoothedRtt, rttvar: rtt.rttvar, minRtt: rtt.minRtt }, v.source).toEqual(v.expect);
      expect(rtt.latestRtt).toBe(v.latestRtt);
    }
    expect(rtt.firstRttSample).toBe(1500);
  });

  it('the first sample ignores ack delay entirely and resets the estimator', () => {
    const rtt = new RttEstimator(50);
    rtt.updateRtt(30, 20, true, 7, 25);
    expect([rtt.smoothedRtt, rtt.rttvar, rtt.minRtt, rtt.firstRttSample]).toEqual([30, 15, 30, 7]);
  });

  it('updates rttvar with the previous smoothed_rtt (erratum 7539), not the new one', () => {
    const rtt = new RttEstimator();
    rtt.updateRtt(100, 0, false, 0);
    rtt.updateRtt(200, 0, false, 1);
    // rttvar = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 (the other order would give 3/4 * 50 + 1/4 * |112.5 - 200|).
    expect(rtt.rttvar).toBe(62.5);
    expect(rtt.smoothedRtt).toBe(112.5);
  });

  it('pto = smoothed_rtt + max(4 * rttvar, kGranularity) + max_ack_delay for application data only', () => {
    const rtt = new RttEstimator();
    rtt.updateRtt(10, 0, false, 0);
    for (let i = 0; i < 60; i++) rtt.updateRtt(10, 0, false, i); // rttvar decays towards 0
    expect(rtt.rttvar).toBeLessThan(0.25);
    expect(rtt.pto(25, false)).toBe(10 + 1); // kGranularity floor
    expect(rtt.pto(25, true)).toBe(10 + 1 + 25);
  });

  it('resetMinRtt takes the newest sample (after persistent congestion, §5.2); reset forgets everything', () => {
    const rtt = new RttEstimator();
    rtt.updateRtt(20, 0, false, 0);
    rtt.updateRtt(90, 0, false, 1);
    expect(rtt.minRtt).toBe(20);
    rtt.resetMinRtt();
    expect(rtt.minRtt).toBe(90);
    rtt.reset();
    expect([rtt.smoothedRtt, rtt.rttvar, rtt.minRtt, rtt.latestRtt, rtt.firstRttSample]).toEqual([333, 166.5, 0, 0, undefined]);
  });

  it('rejects a nonsensical initial RTT', () => {
    expect(() => new RttEstimator(0)).toThrow(RangeError);
    expect(() => new RttEstimator(Number.NaN)).toThrow(RangeError);
  });

  it('property: min_rtt <= smoothed_rtt <= largest sample, rttvar >= 0, whatever the delays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rtt: fc.double({ min: 0.01, max: 5000, noNaN: true }), delay: fc.double({ min: 0, max: 10000, noNaN: true }), confirmed: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        (samples) => {
          const rtt = new RttEstimator();
          let max = 0;
          let min = Infinity;
          samples.forEach((s, i) => {
            rtt.updateRtt(s.rtt, s.delay, s.confirmed, i, 25);
            max = Math.max(max, s.rtt);
            min = Math.min(min, s.rtt);
          });
          expect(rtt.minRtt).toBe(min);
          expect(rtt.smoothedRtt).toBeGreaterThanOrEqual(rtt.minRtt - 1e-9);
          expect(rtt.smoothedRtt).toBeLessThanOrEqual(max + 1e-9);
          expect(rtt.rttvar).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
