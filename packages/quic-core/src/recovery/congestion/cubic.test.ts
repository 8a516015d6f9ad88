import { describe, expect, it } from 'vitest';
import type { RttView } from '../rtt.js';
import type { AckEvent, CongestionEvent } from './controller.js';
import { CUBIC_ALPHA, CUBIC_BETA, CUBIC_C, Cubic } from './cubic.js';
import { createCongestionController } from './create.js';

const MDS = 1200;

function view(srtt: number): RttView {
  return { latestRtt: srtt, smoothedRtt: srtt, rttvar: srtt / 4, minRtt: srtt, firstRttSample: 0 };
}

function ack(timeSent: number, srtt: number, extra: Partial<AckEvent> = {}, rateSample: Partial<AckEvent['rateSample']> = {}): AckEvent {
  return {
    acked: [{ packetNumber: 0, timeSent, size: MDS, delivered: 0, txInFlight: 0, isAppLimited: false }],
    ackedBytes: MDS,
    priorBytesInFlight: MDS,
    bytesInFlight: 0,
    rtt: view(srtt),
    rttSampled: false,
    rateSample: {
      deliveryRate: 0,
      isAppLimited: false,
      interval: 0,
      delivered: 0,
      priorDelivered: 0,
      newlyAcked: MDS,
      newlyLost: 0,
      txInFlight: 0,
      lost: 0,
      rtt: srtt,
      totalDelivered: 0,
      ...rateSample,
    },
    ...extra,
  };
}

function loss(sentTime: number, srtt = 100): CongestionEvent {
  return { cause: 'loss', sentTime, persistentCongestion: false, lost: [], lostBytes: MDS, bytesInFlight: 0, rtt: view(srtt) };
}

/**
 * A bulk sender over a path with a fixed RTT: before each ACK a packet is sent with the window full; a window of
 * ACKs arrives per RTT. Calls `probe` at each ACK.
 */
function run(cc: Cubic, from: number, to: number, srtt: number, opts: { appLimited?: boolean } = {}) {
  let t = from;
  while (t < to) {
    cc.onPacketSent(t, { size: MDS, bytesInFlight: opts.appLimited ? MDS : cc.window(), isAppLimited: false });
    cc.onPacketsAcked(t, ack(t, srtt));
    t += (srtt * MDS) / cc.window();
  }
  return t;
}

/** W_cubic(t) in segments for W_max and K (RFC 9438 Figure 1). */
const wCubic = (t: number, wMax: number, k: number) => CUBIC_C * (t - k) ** 3 + wMax;

describe('CUBIC (RFC 9438)', () => {
  it('uses C = 0.4, beta = 0.7, alpha = 3 (1 - beta) / (1 + beta)', () => {
    expect([CUBIC_C, CUBIC_BETA]).toEqual([0.4, 0.7]);
    expect(CUBIC_ALPHA).toBeCloseTo(0.9 / 1.7, 15);
    expect(createCongestionController('cubic', { maxDatagramSize: 1200 }).name).toBe('cubic');
  });

  it('reduces the window by beta on a congestion event and follows W_cubic(t) = C (t - K)^3 + W_max', () => {
    const cc = new Cubic({ maxDatagramSize: MDS, initialWindowPackets: 100, hystart: false });
    cc.onPacketSent(0, { size: MDS, bytesInFlight: 120_000, isAppLimited: false });
    cc.onCongestionEvent(1000, loss(900));
    expect(cc.maxWindowBeforeReduction()).toBe(120_000);
    expect(cc.window()).toBeCloseTo(84_000, 6);
    expect(cc.slowStartThreshold()).toBeCloseTo(84_000, 6);
    const srtt = 100;
    const k = Math.cbrt((100 - 70) / CUBIC_C); // 4.2172 s
    // Sample the window at chosen times after the epoch start (t = 1000 ms).
    // (Beyond about K + 1.5 s the Reno-friendly W_est, +1 segment per RTT once past cwnd_prior, takes over.)
    const checkpoints = [0.5, 1, 2, 3, k, k + 1];
    let t = 1000;
    for (const c of checkpoints) {
      t = run(cc, t, 1000 + c * 1000, srtt);
      const elapsed = (t - 1000) / 1000;
      const seg = cc.window() / MDS;
      expect(cc.timeToOrigin()).toBeCloseTo(k, 12);
      // The window sits between W_cubic(t) and the one-RTT-ahead target W_cubic(t + RTT), within a datagram.
      expect(seg).toBeGreaterThanOrEqual(wCubic(elapsed, 100, k) - 1);
      expect(seg).toBeLessThanOrEqual(wCubic(elapsed + srtt / 1000, 100, k) + 1);
    }
    // Concave below W_max before K, reaching the plateau at K, convex after.
    expect(wCubic(k, 100, k)).toBeCloseTo(100, 9);
  });

  it('follows the Reno-friendly estimate W_est when it is above W_cubic (short RTT, small window)', () => {
    const cc = new Cubic({ maxDatagramSize: MDS, initialWindowPackets: 20, hystart: false });
    cc.onPacketSent(0, { size: MDS, bytesInFlight: 24_000, isAppLimited: false });
    cc.onCongestionEvent(10, loss(5, 5));
    expect(cc.window() / MDS).toBeCloseTo(14, 9);
    const srtt = 5;
    const t = run(cc, 10, 1010, srtt);
    const seg = cc.window() / MDS;
    const k = Math.cbrt(6 / CUBIC_C);
    expect(wCubic((t - 10) / 1000, 20, k)).toBeLessThan(19);
    // W_est: alpha = 0.529 per RTT until it reaches cwnd_prior (20 segments, ~11 RTTs), then 1 per RTT:
    // about 20 + (1000 - 5 * 6 / 0.529) / 5 = 208.7 segments after one second of 5 ms round trips.
    expect(seg).toBeGreaterThan(205);
    expect(seg).toBeLessThan(212);
  });

  it('applies fast convergence: a second reduction below W_max lowers W_max to cwnd (1 + beta) / 2', () => {
    const cc = new Cubic({ maxDatagramSize: MDS, hystart: false });
    cc.onCongestionEvent(100, loss(50));
    expect(cc.maxWindowBeforeReduction()).toBe(12_000);
    expect(cc.window()).toBeCloseTo(8_400, 9);
    cc.onCongestionEvent(300, loss(200));
    expect(cc.maxWindowBeforeReduction()).toBeCloseTo(8_400 * 0.85, 9);
    expect(cc.window()).toBeCloseTo(5_880, 9);
    const plain = new Cubic({ maxDatagramSize: MDS, hystart: false, fastConvergence: false });
    plain.onCongestionEvent(100, loss(50));
    plain.onCongestionEvent(300, loss(200));
    expect(plain.maxWindowBeforeReduction()).toBeCloseTo(8_400, 9);
  });

  it('reacts once per recovery period and never goes below the minimum window', () => {
    const cc = new Cubic({ maxDatagramSize: MDS, hystart: false });
    cc.onCongestionEvent(100, loss(50));
    cc.onCongestionEvent(110, loss(90)); // sent before recovery started
    expect(cc.window()).toBeCloseTo(8_400, 9);
    for (let i = 1; i <= 20; i++) cc.onCongestionEvent(100 + i * 200, loss(100 + i * 200 - 1));
    expect(cc.window()).toBe(2 * MDS);
  });

  it('undoes a spurious congestion event (RFC 9438 §4.9)', () => {
    const cc = new Cubic({ maxDatagramSize: MDS, hystart: false });
    cc.onCongestionEvent(100, loss(50));
    expect(cc.window()).toBeCloseTo(8_400, 9);
    cc.onSpuriousCongestionEvent();
    expect(cc.window()).toBe(12_000);
    expect(cc.slowStartThreshold()).toBe(Infinity);
    expect(cc.inRecovery()).toBe(false);
  });

  it('does not count application-limited time in t, nor grow meanwhile (RFC 9438 §5.8)', () => {
    const busy = new Cubic({ maxDatagramSize: MDS, initialWindowPackets: 100, hystart: false });
    const idle = new Cubic({ maxDatagramSize: MDS, initialWindowPackets: 100, hystart: false });
    for (const cc of [busy, idle]) {
      cc.onPacketSent(0, { size: MDS, bytesInFlight: 120_000, isAppLimited: false });
      cc.onCongestionEvent(1000, loss(900));
    }
    run(busy, 1000, 2000, 100);
    const t = run(idle, 1000, 1500, 100);
    const t2 = run(idle, t, t + 5000, 100, { appLimited: true });
    const during = idle.window();
    expect(during).toBeLessThan(busy.window());
    run(idle, t2, t2 + 500, 100);
    // The idle flow resumes where it left off: about where the busy one was after one second of sending,
    // not at W_cubic(6 s) (which would exceed W_max).
    expect(Math.abs(idle.window() - busy.window()) / MDS).toBeLessThan(4);
    expect(idle.window()).toBeLessThan(120_000);
  });

  it('leaves slow start through HyStart++ and then starts congestion avoidance with K = 0 (RFC 9438 §4.10)', () => {
    const cc = new Cubic({ maxDatagramSize: MDS });
    let delivered = 0;
    let windowEnd = 0;
    let t = 0;
    const round = (rtt: number) => {
      const n = Math.max(10, Math.floor(cc.window() / MDS));
      for (let i = 0; i < n; i++) {
        cc.onPacketSent(t, { size: MDS, bytesInFlight: cc.window(), isAppLimited: false });
        const priorDelivered = i === 0 ? delivered : windowEnd - 1;
        delivered += MDS;
        if (i === 0) windowEnd = delivered;
        cc.onPacketsAcked(t, ack(t, rtt, { rttSampled: true, rtt: view(rtt) }, { priorDelivered, totalDelivered: delivered }));
        t += rtt / n;
      }
    };
    round(100);
    round(100);
    expect(cc.inSlowStart()).toBe(true);
    round(130); // +30 ms >= 12.5 ms: conservative slow start
    expect(cc.hystart?.phase).toBe('conservativeSlowStart');
    for (let i = 0; i < 5; i++) round(130);
    expect(cc.hystart?.phase).toBe('done');
    expect(cc.inSlowStart()).toBe(false);
    // ssthresh was set to the window at the exit; the rest of that round grew it only slightly (K = 0).
    expect(cc.slowStartThreshold()).toBeLessThanOrEqual(cc.window());
    expect(cc.window() - cc.slowStartThreshold()).toBeLessThan(2 * MDS);
    expect(cc.maxWindowBeforeReduction()).toBeUndefined();
    const w = cc.window();
    round(130);
    expect(cc.timeToOrigin()).toBe(0);
    expect(cc.window()).toBeGreaterThanOrEqual(w);
  });
});
