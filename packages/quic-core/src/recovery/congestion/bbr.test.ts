import { describe, expect, it } from 'vitest';
import { ReceivedPacketTracker } from '../ack-tracker.js';
import { LossDetection } from '../loss-detection.js';
import { Pacer } from '../pacer.js';
import { Bbr, BbrState } from './bbr.js';
import type { CongestionControllerName } from './controller.js';

const MDS = 1200;

interface Link {
  /** Bottleneck rate, bytes per ms. */
  readonly rate: number;
  /** One-way propagation delay each way, ms. */
  readonly oneWay: number;
  /** Bottleneck buffer, bytes. */
  readonly buffer: number;
}

interface Report {
  /** Packets sent and dropped at the bottleneck during the measurement window. */
  windowSent: number;
  windowDrops: number;
  /** Bytes delivered per ms over the measurement window. */
  throughput: number;
  /** Mean and maximum queueing delay (ms) of packets entering the queue during the window. */
  meanQueueDelay: number;
  maxQueueDelay: number;
  drops: number;
  states: Set<string>;
  /** The window at each step spent in ProbeBW_CRUISE during the measurement window. */
  cruiseCwnd: number[];
}

/**
 * A bulk sender over a fixed-rate bottleneck: a FIFO drained at `rate` with a drop-tail buffer, then `oneWay` ms
 * to the receiver, which acknowledges every packet at once, and `oneWay` ms back. Deterministic, virtual time.
 */
function simulate(name: CongestionControllerName, link: Link, durationMs: number, measureFrom: number): Report & { ld: LossDetection<number> } {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const ld = new LossDetection<number>({ isServer: true, maxDatagramSize: MDS, congestionControl: name, random, maxAckDelay: 0 });
  ld.setHandshakeConfirmed(0);
  const pacer = new Pacer({ maxDatagramSize: MDS });
  const receiver = new ReceivedPacketTracker({ space: 'application', maxAckDelay: 0 });
  const acks: { time: number; pn: number }[] = [];
  let ackHead = 0;
  let linkFreeAt = 0;
  let pn = 0;
  let delivered = 0;
  let drops = 0;
  let windowDrops = 0;
  let windowSent = 0;
  let queueDelaySum = 0;
  let queueDelayMax = 0;
  let queueSamples = 0;
  const states = new Set<string>();
  const cruiseCwnd: number[] = [];
  const cc = ld.congestionController;

  const transmit = (now: number) => {
    const rate = ld.pacingRate();
    ld.onPacketSent('application', { packetNumber: pn, timeSent: now, size: MDS, ackEliciting: true, inFlight: true, payload: pn });
    pacer.onSent(now, MDS, rate);
    const backlog = Math.max(0, linkFreeAt - now) * link.rate;
    if (now >= measureFrom) windowSent++;
    if (backlog + MDS > link.buffer) {
      drops++;
      if (now >= measureFrom) windowDrops++;
    } else {
      const start = Math.max(now, linkFreeAt);
      linkFreeAt = start + MDS / link.rate;
      if (now >= measureFrom) {
        queueDelaySum += start - now;
        queueDelayMax = Math.max(queueDelayMax, start - now);
        queueSamples++;
      }
      acks.push({ time: linkFreeAt + 2 * link.oneWay, pn });
    }
    pn++;
  };

  let now = 0;
  let steps = 0;
  while (now < durationMs) {
    if (++steps > 5_000_000) throw new Error(`simulation stuck at t=${now}`);
    while (ackHead < acks.length && (acks[ackHead] as { time: number }).time <= now) {
      const a = acks[ackHead++] as { time: number; pn: number };
      receiver.onPacketReceived(a.pn, a.time - link.oneWay, true);
      if (a.time - link.oneWay >= measureFrom) delivered += MDS;
      const frame = receiver.buildAck(a.time - link.oneWay, 3);
      receiver.onAckSent();
      if (frame !== undefined) ld.onAckReceived('application', frame.ranges, 0, a.time);
    }
    const timer = ld.lossDetectionTimer();
    if (timer !== undefined && timer <= now) {
      const o = ld.onLossDetectionTimeout(now);
      if (o.kind === 'ptoExpired') for (let i = 0; i < o.probePackets; i++) transmit(now);
    }
    if (cc instanceof Bbr && now >= measureFrom) {
      states.add(cc.state);
      if (cc.state === BbrState.ProbeBW_CRUISE) cruiseCwnd.push(cc.window());
    }
    let nextSend = Infinity;
    if (ld.bytesInFlight + MDS <= ld.congestionWindow()) {
      const release = pacer.nextReleaseTime(now, MDS, ld.pacingRate());
      if (release <= now + 1e-9) {
        transmit(now);
        continue;
      }
      nextSend = release;
    }
    const nextAck = ackHead < acks.length ? (acks[ackHead] as { time: number }).time : Infinity;
    now = Math.min(nextAck, nextSend, ld.lossDetectionTimer() ?? Infinity, durationMs);
  }
  return {
    ld,
    throughput: delivered / (durationMs - measureFrom),
    meanQueueDelay: queueSamples === 0 ? 0 : queueDelaySum / queueSamples,
    maxQueueDelay: queueDelayMax,
    drops,
    windowDrops,
    windowSent,
    states,
    cruiseCwnd,
  };
}

describe('BBR (draft-ietf-ccwg-bbr, v3) on a fixed-rate bottleneck', () => {
  it('reaches and holds a 10 Mbit/s, 40 ms link without building a standing queue in a deep buffer', () => {
    const link = { rate: 1250, oneWay: 20, buffer: 4 * 1250 * 40 };
    const baseRtt = 2 * link.oneWay + MDS / link.rate;
    const r = simulate('bbr', link, 20_000, 5_000);
    const bbr = r.ld.congestionController as Bbr;
    expect(r.throughput / link.rate).toBeGreaterThan(0.93);
    expect(Math.abs(bbr.maxBandwidth() - link.rate) / link.rate).toBeLessThan(0.02);
    expect(bbr.minRtt).toBeCloseTo(baseRtt, 6);
    expect(r.meanQueueDelay).toBeLessThan(0.15 * baseRtt);
    expect(r.maxQueueDelay).toBeLessThan(baseRtt);
    expect(r.drops).toBe(0);
    expect(bbr.fullBandwidthReached()).toBe(true);
    for (const state of [BbrState.ProbeBW_DOWN, BbrState.ProbeBW_CRUISE, BbrState.ProbeBW_REFILL, BbrState.ProbeBW_UP, BbrState.ProbeRTT]) {
      expect(r.states.has(state), state).toBe(true);
    }
    // In CRUISE the window is about twice the estimated BDP (cwnd_gain 2) plus a small quantization allowance.
    const bdp = link.rate * baseRtt;
    expect(r.cruiseCwnd.length).toBeGreaterThan(100);
    expect(Math.min(...r.cruiseCwnd)).toBeGreaterThanOrEqual(2 * bdp * 0.98);
    expect(Math.max(...r.cruiseCwnd)).toBeLessThan(2 * bdp + 6 * MDS);
  });

  it('keeps the queue a small fraction of what CUBIC builds on a 2.5 Mbit/s, 100 ms path', () => {
    const link = { rate: 312.5, oneWay: 50, buffer: 2 * 312.5 * 100 };
    const baseRtt = 2 * link.oneWay + MDS / link.rate;
    const bbr = simulate('bbr', link, 20_000, 5_000);
    const cubic = simulate('cubic', link, 20_000, 5_000);
    expect(bbr.throughput / link.rate).toBeGreaterThan(0.93);
    expect(bbr.meanQueueDelay).toBeLessThan(0.15 * baseRtt);
    expect(bbr.maxQueueDelay).toBeLessThan(1.25 * baseRtt);
    expect(bbr.drops).toBe(0);
    // CUBIC, loss-based, fills the buffer: a standing queue of more than a base RTT.
    expect(cubic.throughput / link.rate).toBeGreaterThan(0.95);
    expect(cubic.meanQueueDelay).toBeGreaterThan(baseRtt);
    expect(cubic.meanQueueDelay).toBeGreaterThan(5 * bbr.meanQueueDelay);
  });

  it('holds the bandwidth with modest loss in a shallow buffer (half a BDP)', () => {
    const link = { rate: 1250, oneWay: 20, buffer: 0.5 * 1250 * 40 };
    const r = simulate('bbr', link, 20_000, 5_000);
    expect(r.throughput / link.rate).toBeGreaterThan(0.9);
    expect(r.windowDrops / r.windowSent).toBeLessThan(0.03);
    expect((r.ld.congestionController as Bbr).inflightLongTerm()).toBeLessThan(Infinity);
  });

  it('starts in Startup with a 2.77x pacing gain over the initial window, as a slow-start algorithm', () => {
    const bbr = new Bbr({ maxDatagramSize: MDS });
    expect(bbr.state).toBe(BbrState.Startup);
    expect(bbr.inSlowStart()).toBe(true);
    expect(bbr.window()).toBe(12_000);
    const rtt = { latestRtt: 0, smoothedRtt: 100, rttvar: 50, minRtt: 0, firstRttSample: undefined };
    expect(bbr.pacingRate(rtt)).toBeCloseTo((4 * Math.LN2 * 12_000) / 100, 9);
  });
});
