import { describe, expect, it } from 'vitest';
import type { RttView } from '../rtt.js';
import type { AckEvent, CongestionEvent } from './controller.js';
import { initialWindow, minimumWindow } from './controller.js';
import { createCongestionController } from './create.js';
import { NewReno } from './new-reno.js';

const rtt: RttView = { latestRtt: 100, smoothedRtt: 100, rttvar: 10, minRtt: 100, firstRttSample: 0 };
const MDS = 1200;

function ack(packets: { timeSent: number; size?: number }[], bytesInFlight = 0): AckEvent {
  const acked = packets.map((p, i) => ({
    packetNumber: i,
    timeSent: p.timeSent,
    size: p.size ?? MDS,
    delivered: 0,
    txInFlight: 0,
    isAppLimited: false,
  }));
  const ackedBytes = acked.reduce((a, p) => a + p.size, 0);
  return {
    acked,
    ackedBytes,
    priorBytesInFlight: bytesInFlight + ackedBytes,
    bytesInFlight,
    rtt,
    rttSampled: true,
    rateSample: {
      deliveryRate: 0,
      isAppLimited: false,
      interval: 0,
      delivered: 0,
      priorDelivered: 0,
      newlyAcked: ackedBytes,
      newlyLost: 0,
      txInFlight: 0,
      lost: 0,
      rtt: 100,
      totalDelivered: 0,
    },
  };
}

function loss(sentTime: number, persistentCongestion = false): CongestionEvent {
  return { cause: 'loss', sentTime, persistentCongestion, lost: [], lostBytes: MDS, bytesInFlight: 0, rtt };
}

/** Sends `n` full-size packets at time `t`, filling the window as a bulk sender does. */
function fill(cc: NewReno, t: number, n = Math.ceil(cc.window() / MDS)) {
  for (let i = 1; i <= n; i++) cc.onPacketSent(t, { size: MDS, bytesInFlight: i * MDS, isAppLimited: false });
  return Array.from({ length: n }, () => ({ timeSent: t }));
}

describe('NewReno (RFC 9002 §7, Appendix B)', () => {
  it('starts from min(10 * mds, max(14720, 2 * mds)) and never goes below 2 * mds (§7.2)', () => {
    expect(initialWindow(1200)).toBe(12000);
    expect(initialWindow(1472)).toBe(14720);
    expect(initialWindow(1500)).toBe(14720);
    expect(initialWindow(9000)).toBe(18000);
    expect(initialWindow(1200, 4)).toBe(4800);
    expect(minimumWindow(1350)).toBe(2700);
    const cc = new NewReno({ maxDatagramSize: 1500 });
    expect(cc.window()).toBe(14720);
    expect(cc.inSlowStart()).toBe(true);
    expect(createCongestionController('new_reno', { maxDatagramSize: 1200 }).name).toBe('new_reno');
    expect(() => new NewReno({ maxDatagramSize: 1000 })).toThrow(RangeError);
  });

  it('slow start grows the window by the bytes acknowledged (§7.3.1)', () => {
    const cc = new NewReno({ maxDatagramSize: MDS });
    const sent = fill(cc, 0);
    cc.onPacketsAcked(100, ack(sent));
    expect(cc.window()).toBe(24000);
  });

  it('does not grow the window when the sender did not use it (§7.8)', () => {
    const cc = new NewReno({ maxDatagramSize: MDS });
    const sent = fill(cc, 0, 2);
    cc.onPacketsAcked(100, ack(sent));
    expect(cc.window()).toBe(12000);
  });

  it('halves once per recovery period, keyed on the send time of the lost packet (§7.3.2, B.6)', () => {
    const cc = new NewReno({ maxDatagramSize: MDS });
    fill(cc, 0);
    cc.onCongestionEvent(200, loss(50));
    expect(cc.window()).toBe(6000);
    expect(cc.slowStartThreshold()).toBe(6000);
    expect(cc.inRecovery()).toBe(true);
    expect(cc.inSlowStart()).toBe(false);
    cc.onCongestionEvent(210, loss(150)); // sent before the recovery started: same period
    expect(cc.window()).toBe(6000);
    // Acknowledgments of packets sent before recovery started do not grow the window nor end recovery.
    cc.onPacketsAcked(220, ack([{ timeSent: 190 }]));
    expect(cc.window()).toBe(6000);
    expect(cc.inRecovery()).toBe(true);
    // A packet sent during recovery is acknowledged: recovery ends, congestion avoidance adds mds * size / cwnd.
    const sent = fill(cc, 230, 5);
    cc.onPacketsAcked(330, ack([sent[0] as { timeSent: number }]));
    expect(cc.inRecovery()).toBe(false);
    expect(cc.window()).toBe(6000 + (1200 * 1200) / 6000);
    // A later loss of a packet sent after recovery started begins a new period.
    cc.onCongestionEvent(400, loss(230));
    expect(cc.window()).toBe((6000 + 240) / 2);
  });

  it('never reduces below the minimum window', () => {
    const cc = new NewReno({ maxDatagramSize: MDS });
    for (let i = 0; i < 10; i++) cc.onCongestionEvent(i * 100 + 1, loss(i * 100));
    expect(cc.window()).toBe(2400);
  });

  it('grows by about one datagram per window in congestion avoidance (§7.3.3)', () => {
    const cc = new NewReno({ maxDatagramSize: MDS });
    fill(cc, 0);
    cc.onCongestionEvent(1, loss(0)); // 6000, congestion avoidance
    let expected = 6000;
    const sent = fill(cc, 10);
    for (const s of sent) {
      cc.onPacketsAcked(110, ack([s]));
      expected += (1200 * 1200) / expected;
    }
    expect(cc.window()).toBeCloseTo(expected, 9);
    expect(cc.window()).toBeGreaterThan(6000 + 1100);
    expect(cc.window()).toBeLessThanOrEqual(6000 + 1200);
  });

  it('collapses to the minimum window on persistent congestion and slow-starts again (§7.6.2, B.8)', () => {
    const cc = new NewReno({ maxDatagramSize: MDS });
    fill(cc, 0);
    cc.onCongestionEvent(1000, loss(900, true));
    expect(cc.window()).toBe(2400);
    expect(cc.inRecovery()).toBe(false);
    expect(cc.inSlowStart()).toBe(true);
    const sent = fill(cc, 1001, 2);
    cc.onPacketsAcked(1100, ack(sent));
    expect(cc.window()).toBe(4800);
  });
});
