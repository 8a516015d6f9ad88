import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AckEvent, CongestionController, CongestionEvent } from './congestion/controller.js';
import { NewReno } from './congestion/new-reno.js';
import { type AckOutcome, type AckProcessed, LossDetection, type LossDetectionOptions } from './loss-detection.js';
import { PROTOCOL_VIOLATION, type PacketNumberSpace } from './types.js';
import type { AckRange } from '../wire/ack-range.js';
import pcVector from './vectors/persistent-congestion.json' with { type: 'json' };

/** A controller that records what loss detection tells it. */
class SpyController implements CongestionController {
  readonly name = 'new_reno' as const;
  readonly acks: AckEvent[] = [];
  readonly events: CongestionEvent[] = [];
  spurious = 0;
  sent = 0;
  constructor(private cwnd = 1e9) {}
  onPacketSent(): void {
    this.sent++;
  }
  onPacketsAcked(_now: number, ack: AckEvent): void {
    this.acks.push(ack);
  }
  onCongestionEvent(_now: number, event: CongestionEvent): void {
    this.events.push(event);
  }
  onSpuriousCongestionEvent(): void {
    this.spurious++;
  }
  window(): number {
    return this.cwnd;
  }
  inSlowStart(): boolean {
    return true;
  }
  inRecovery(): boolean {
    return false;
  }
  pacingRate(): number | undefined {
    return undefined;
  }
}

function make(opts: Partial<LossDetectionOptions> & { isServer: boolean }, cc: CongestionController = new SpyController()) {
  return new LossDetection<number>({ maxDatagramSize: 1200, congestionControl: cc, ...opts });
}

function send(
  ld: LossDetection<number>,
  space: PacketNumberSpace,
  pn: number,
  t: number,
  opts: { size?: number; ackEliciting?: boolean; inFlight?: boolean } = {},
) {
  const ackEliciting = opts.ackEliciting ?? true;
  return ld.onPacketSent(space, {
    packetNumber: pn,
    timeSent: t,
    size: opts.size ?? 1200,
    ackEliciting,
    inFlight: opts.inFlight ?? ackEliciting,
    payload: pn,
  });
}

function ranges(...rs: [number, number][]): AckRange[] {
  return rs.map(([smallest, largest]) => ({ smallest, largest }));
}

function ok(r: AckOutcome<number>): AckProcessed<number> {
  if (r.kind !== 'processed') throw new Error(`expected processed, got ${r.reason}`);
  return r;
}

const pns = (xs: readonly { packetNumber: number }[]) => xs.map((x) => x.packetNumber);

/** A server with one RTT sample of 100 ms (smoothed 100, rttvar 50) taken at t=100, handshake confirmed. */
function warmServer(cc: CongestionController = new SpyController()) {
  const ld = make({ isServer: true }, cc);
  ld.setHandshakeConfirmed(0);
  send(ld, 'application', 0, 0);
  ok(ld.onAckReceived('application', ranges([0, 0]), 0, 100));
  return ld;
}

describe('LossDetection: acknowledgment-based loss detection (RFC 9002 §6.1)', () => {
  it('declares packets lost by packet threshold, then by time threshold when the loss timer fires', () => {
    const ld = warmServer();
    for (let pn = 1; pn <= 5; pn++) send(ld, 'application', pn, 199 + pn); // 200..204
    const r = ok(ld.onAckReceived('application', ranges([5, 5]), 0, 304));
    expect(pns(r.acked)).toEqual([5]);
    expect(r.rttSampled).toBe(true);
    // kPacketThreshold = 3: 5 >= 1 + 3 and 5 >= 2 + 3, but not 3 or 4.
    expect(pns(r.lost)).toEqual([1, 2]);
    // loss_delay = 9/8 * max(latest_rtt 100, smoothed_rtt 100) = 112.5; loss_time = 202 + 112.5.
    expect(ld.lossDetectionTimer()).toBe(314.5);
    expect(ld.onLossDetectionTimeout(314)).toEqual({ kind: 'none' });
    const t1 = ld.onLossDetectionTimeout(314.5);
    expect(t1.kind).toBe('packetsLost');
    if (t1.kind !== 'packetsLost') return;
    expect(t1.space).toBe('application');
    expect(pns(t1.lost)).toEqual([3]);
    expect(ld.lossDetectionTimer()).toBe(315.5);
    const t2 = ld.onLossDetectionTimeout(316);
    expect(t2.kind === 'packetsLost' && pns(t2.lost)).toEqual([4]);
    expect(ld.bytesInFlight).toBe(0);
    expect(ld.lossDetectionTimer()).toBeUndefined();
    expect(ld.stats.packetsLost).toBe(4);
  });

  it('declares a packet lost by time threshold on an ACK when it was sent long enough before', () => {
    const ld = warmServer();
    send(ld, 'application', 1, 150);
    send(ld, 'application', 2, 300);
    // lost_send_time = 400 - 112.5 = 287.5: packet 1 (t=150) is lost, packet 2 is the acknowledged one.
    const r = ok(ld.onAckReceived('application', ranges([2, 2]), 0, 400));
    expect(pns(r.lost)).toEqual([1]);
  });

  it('property: a loss timer fired at its exact deadline always declares a packet lost (no float livelock)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        fc.array(fc.double({ min: 0.0001, max: 50, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (rttMs, gaps) => {
          const ld = make({ isServer: true });
          ld.setHandshakeConfirmed(0);
          send(ld, 'application', 0, 0);
          ok(ld.onAckReceived('application', ranges([0, 0]), 0, rttMs));
          let t = rttMs;
          gaps.forEach((g, i) => send(ld, 'application', i + 1, (t += g)));
          ok(ld.onAckReceived('application', ranges([gaps.length, gaps.length]), 0, t + rttMs / 3));
          let fired = 0;
          for (let timer = ld.lossDetectionTimer(); timer !== undefined; timer = ld.lossDetectionTimer()) {
            const o = ld.onLossDetectionTimeout(timer);
            if (o.kind !== 'packetsLost') break;
            expect(o.lost.length).toBeGreaterThan(0);
            expect(++fired).toBeLessThanOrEqual(gaps.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes an RTT sample only if the largest acknowledged is newly acknowledged and ack-eliciting (§5.1)', () => {
    const ld = warmServer();
    send(ld, 'application', 1, 200);
    send(ld, 'application', 2, 201, { ackEliciting: false, inFlight: false });
    send(ld, 'application', 3, 202);
    expect(ok(ld.onAckReceived('application', ranges([2, 3]), 0, 300)).rttSampled).toBe(true);
    // Largest (3) not newly acknowledged: no sample although 1 is new.
    expect(ok(ld.onAckReceived('application', ranges([1, 3]), 0, 310)).rttSampled).toBe(false);
    send(ld, 'application', 4, 320, { ackEliciting: false, inFlight: false });
    // Only a non-ack-eliciting packet newly acknowledged: no sample.
    expect(ok(ld.onAckReceived('application', ranges([1, 4]), 0, 900)).rttSampled).toBe(false);
    expect(ld.rtt.latestRtt).toBe(98);
  });

  it('ignores the ACK delay of Initial ACKs and caps it by max_ack_delay once confirmed', () => {
    const ld = make({ isServer: true, maxAckDelay: 10 });
    send(ld, 'initial', 0, 0);
    ld.onAckReceived('initial', ranges([0, 0]), 0, 100);
    send(ld, 'initial', 1, 200);
    ld.onAckReceived('initial', ranges([1, 1]), 50, 340); // sample 140, delay ignored
    expect(ld.rtt.smoothedRtt).toBe(0.875 * 100 + 0.125 * 140);
    const before = ld.rtt.smoothedRtt;
    ld.setHandshakeConfirmed(400);
    send(ld, 'application', 0, 400);
    ld.onAckReceived('application', ranges([0, 0]), 50, 540); // delay capped to 10: adjusted 130
    expect(ld.rtt.smoothedRtt).toBe(0.875 * before + 0.125 * 130);
  });

  it('reports an ACK that acknowledges nothing new without touching the timer (A.7)', () => {
    const ld = warmServer();
    send(ld, 'application', 1, 200);
    const timer = ld.lossDetectionTimer();
    const r = ok(ld.onAckReceived('application', ranges([0, 0]), 0, 250));
    expect(r.acked).toEqual([]);
    expect(ld.lossDetectionTimer()).toBe(timer);
  });
});

describe('LossDetection: probe timeout (RFC 9002 §6.2)', () => {
  it('arms the PTO at smoothed_rtt + max(4*rttvar, 1ms), doubles it on expiry, and keeps the backoff at a client without a validated address', () => {
    const ld = make({ isServer: false });
    send(ld, 'initial', 0, 0);
    expect(ld.lossDetectionTimer()).toBe(999); // 333 + 4 * 166.5, no max_ack_delay for Initial
    const p = ld.onLossDetectionTimeout(999);
    expect(p).toEqual({ kind: 'ptoExpired', space: 'initial', probePackets: 2, antiDeadlock: false, alsoProbe: [] });
    expect(ld.ptoCount).toBe(1);
    expect(ld.lossDetectionTimer()).toBe(1998); // from the last ack-eliciting send (t=0), doubled
    send(ld, 'initial', 1, 999);
    expect(ld.lossDetectionTimer()).toBe(999 + 1998);
    // The Initial ACK gives a first sample (101 ms) and declares packet 0 lost by time; the client has not
    // received a Handshake ACK, so pto_count stays (§6.2.1).
    const r = ok(ld.onAckReceived('initial', ranges([1, 1]), 0, 1100));
    expect(pns(r.lost)).toEqual([0]);
    expect(ld.ptoCount).toBe(1);
    // Nothing in flight, peer address not validated: anti-deadlock timer from now, (101 + 4 * 50.5) * 2.
    expect(ld.lossDetectionTimer()).toBe(1100 + 606);
    expect(ld.onLossDetectionTimeout(1706)).toEqual({
      kind: 'ptoExpired',
      space: 'initial',
      probePackets: 1,
      antiDeadlock: true,
      alsoProbe: [],
    });
    expect(ld.ptoCount).toBe(2);
    ld.setHasHandshakeKeys();
    expect(ld.lossDetectionTimer()).toBe(1706 + 303 * 4);
    const d = ld.onLossDetectionTimeout(1706 + 1212);
    expect(d.kind === 'ptoExpired' && [d.space, d.antiDeadlock]).toEqual(['handshake', true]);
    // A Handshake ACK proves the server validated the address: pto_count resets, no timer with nothing in flight.
    send(ld, 'handshake', 0, 3000);
    ok(ld.onAckReceived('handshake', ranges([0, 0]), 0, 3100));
    expect(ld.ptoCount).toBe(0);
    expect(ld.lossDetectionTimer()).toBeUndefined();
  });

  it('never arms the application-data PTO before the handshake is confirmed, and adds max_ack_delay after', () => {
    const ld = make({ isServer: true, maxAckDelay: 25 });
    send(ld, 'application', 0, 0);
    expect(ld.lossDetectionTimer()).toBeUndefined();
    send(ld, 'handshake', 0, 5);
    expect(ld.lossDetectionTimer()).toBe(5 + 999);
    const p = ld.onLossDetectionTimeout(1004);
    expect(p.kind === 'ptoExpired' && [p.space, p.alsoProbe]).toEqual(['handshake', []]);
    ld.discardSpace('handshake', 1010);
    ld.setHandshakeConfirmed(1010);
    expect(ld.lossDetectionTimer()).toBe(0 + 999 + 25);
    ld.setPeerMaxAckDelay(100);
    send(ld, 'application', 1, 1020);
    expect(ld.lossDetectionTimer()).toBe(1020 + 999 + 100);
  });

  it('probes the earliest space and lists the other spaces with data in flight (§6.2.4)', () => {
    const ld = make({ isServer: true });
    send(ld, 'initial', 0, 0);
    send(ld, 'handshake', 0, 1);
    const p = ld.onLossDetectionTimeout(999);
    expect(p).toEqual({ kind: 'ptoExpired', space: 'initial', probePackets: 2, antiDeadlock: false, alsoProbe: ['handshake'] });
  });

  it('does not arm a server PTO while at the anti-amplification limit, and re-arms it when unblocked (§6.2.2.1)', () => {
    const ld = make({ isServer: true });
    send(ld, 'initial', 0, 0);
    ld.setAtAmplificationLimit(true, 10);
    expect(ld.lossDetectionTimer()).toBeUndefined();
    expect(ld.onLossDetectionTimeout(5000)).toEqual({ kind: 'none' });
    ld.setAtAmplificationLimit(false, 2000);
    expect(ld.lossDetectionTimer()).toBe(999); // in the past: the connection fires it at once
    expect(ld.onLossDetectionTimeout(2000).kind).toBe('ptoExpired');
  });

  it('a server never sends anti-deadlock probes: no timer with nothing in flight', () => {
    const ld = make({ isServer: true });
    send(ld, 'initial', 0, 0);
    ok(ld.onAckReceived('initial', ranges([0, 0]), 0, 50));
    expect(ld.lossDetectionTimer()).toBeUndefined();
  });
});

describe('LossDetection: optimistic-ACK defence and hostile ACKs', () => {
  it('reports PROTOCOL_VIOLATION for an ACK of a packet never sent, changing nothing', () => {
    const ld = warmServer();
    send(ld, 'application', 1, 200);
    send(ld, 'application', 2, 201);
    const r = ld.onAckReceived('application', ranges([1, 5]), 0, 300);
    expect(r.kind).toBe('protocolViolation');
    expect(r.kind === 'protocolViolation' && r.errorCode).toBe(PROTOCOL_VIOLATION);
    expect(ld.bytesInFlight).toBe(2400);
    expect(ld.largestAcked('application')).toBe(0);
    const nothingSent = make({ isServer: true });
    expect(nothingSent.onAckReceived('handshake', ranges([0, 0]), 0, 1).kind).toBe('protocolViolation');
  });

  it('reports PROTOCOL_VIOLATION for an ACK covering a skipped packet number, but not for one around it', () => {
    const ld = warmServer();
    send(ld, 'application', 1, 200);
    ld.skipPacketNumber('application', 2);
    send(ld, 'application', 3, 202);
    expect(() => send(ld, 'application', 2, 203)).toThrow(RangeError);
    const bad = ld.onAckReceived('application', ranges([1, 3]), 0, 300);
    expect(bad.kind === 'protocolViolation' && bad.reason).toMatch(/skipped/);
    const good = ok(ld.onAckReceived('application', ranges([3, 3], [1, 1]), 0, 300));
    expect(pns(good.acked)).toEqual([1, 3]);
  });

  it('remembers a bounded number of skipped packet numbers', () => {
    const ld = make({ isServer: true, maxSkippedPacketNumbers: 4 });
    let pn = 0;
    const skipped: number[] = [];
    for (let i = 0; i < 10; i++) {
      send(ld, 'application', pn++, i);
      ld.skipPacketNumber('application', pn);
      skipped.push(pn++);
    }
    send(ld, 'application', pn, 20);
    // The oldest skips are forgotten (accepted), the newest four are still caught.
    expect(ld.onAckReceived('application', ranges([0, skipped[5] as number]), 0, 30).kind).toBe('processed');
    expect(ld.onAckReceived('application', ranges([0, skipped[6] as number]), 0, 30).kind).toBe('protocolViolation');
  });

  it('rejects malformed ranges as a caller bug (the ACK decoder never produces them)', () => {
    const ld = warmServer();
    expect(() => ld.onAckReceived('application', [], 0, 1)).toThrow(RangeError);
    expect(() => ld.onAckReceived('application', ranges([0, 0], [0, 0]), 0, 1)).toThrow(RangeError);
    expect(() => ld.onAckReceived('application', ranges([2, 1]), 0, 1)).toThrow(RangeError);
  });

  it('property: random ACKs never throw, and bytes in flight always equals the live in-flight packets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ skip: fc.boolean(), size: fc.integer({ min: 20, max: 1500 }), ackOnly: fc.boolean() }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.array(fc.tuple(fc.nat(80), fc.nat(6)), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
        (sends, acks) => {
          const ld = make({ isServer: true });
          ld.setHandshakeConfirmed(0);
          const live = new Map<number, number>();
          let pn = 0;
          let t = 0;
          for (const s of sends) {
            if (s.skip) ld.skipPacketNumber('application', pn++);
            send(ld, 'application', pn, (t += 3), { size: s.size, ackEliciting: !s.ackOnly });
            if (!s.ackOnly) live.set(pn, s.size);
            pn++;
          }
          for (const raw of acks) {
            // Build descending, disjoint ranges from (start, length) pairs.
            const sorted = [...raw].sort((a, b) => b[0] - a[0]);
            const rs: AckRange[] = [];
            for (const [start, len] of sorted) {
              const largest = start + len;
              const prev = rs[rs.length - 1];
              if (prev !== undefined && largest >= prev.smallest - 1) continue;
              rs.push({ smallest: start, largest });
            }
            const r = ld.onAckReceived('application', rs, 0, (t += 10));
            if (r.kind === 'processed') {
              for (const p of [...r.acked, ...r.lost]) live.delete(p.packetNumber);
            }
            expect(ld.bytesInFlight).toBe([...live.values()].reduce((a, b) => a + b, 0));
            const timeout = ld.lossDetectionTimer();
            if (timeout !== undefined) {
              const o = ld.onLossDetectionTimeout(Math.max(timeout, t));
              if (o.kind === 'packetsLost') for (const p of o.lost) live.delete(p.packetNumber);
              expect(ld.bytesInFlight).toBe([...live.values()].reduce((a, b) => a + b, 0));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('LossDetection: persistent congestion (RFC 9002 §7.6)', () => {
  /** Replays the RFC 9002 §7.6.3 table in milliseconds, firing the loss detection timer whenever it is due. */
  function replayRfcExample(options: { ackOf5At?: number } = {}) {
    const u = pcVector.unitMs;
    const cc = new NewReno({ maxDatagramSize: 1200 });
    const ld = new LossDetection<number>({ isServer: false, maxDatagramSize: 1200, congestionControl: cc, maxAckDelay: 1500 });
    // Handshake: a first RTT sample of 200 ms well before t=0, then confirmation.
    send(ld, 'initial', 0, -1000);
    ok(ld.onAckReceived('initial', ranges([0, 0]), 0, -800));
    ld.setHandshakeConfirmed(-500);
    const results: AckProcessed<number>[] = [];
    const ptoTimes: number[] = [];
    const fireTimersUntil = (t: number) => {
      for (let timer = ld.lossDetectionTimer(); timer !== undefined && timer <= t; timer = ld.lossDetectionTimer()) {
        const outcome = ld.onLossDetectionTimeout(t);
        if (outcome.kind === 'ptoExpired') ptoTimes.push(timer);
        if (outcome.kind === 'ptoExpired' || outcome.kind === 'none') break; // the probe is the next send
      }
    };
    let acked5 = false;
    for (const e of pcVector.events) {
      const t = e.t * u;
      if (options.ackOf5At !== undefined && t > options.ackOf5At && !acked5) {
        fireTimersUntil(options.ackOf5At);
        results.push(ok(ld.onAckReceived('application', ranges([5, 5], [1, 1]), 0, options.ackOf5At)));
        acked5 = true;
      }
      fireTimersUntil(t);
      if ('send' in e) send(ld, 'application', e.send as number, t);
      if ('ack' in e) {
        // The peer acknowledges #1 after holding the ACK for 1 s (an ACK Delay of 1000 ms): RTT sample 200 ms.
        const delay = e.ack === 1 ? 1000 : 0;
        results.push(ok(ld.onAckReceived('application', ranges([e.ack as number, e.ack as number]), delay, t)));
      }
    }
    return { ld, cc, results, ptoTimes };
  }

  it('establishes persistent congestion in the example of §7.6.3 and collapses the window to kMinimumWindow', () => {
    const { ld, cc, results, ptoTimes } = replayRfcExample();
    // smoothed_rtt + max(4*rttvar, kGranularity) + max_ack_delay = 200 + 300 + 1500 = 2 s: PTOs at t=8 and t=12.
    expect(ptoTimes).toEqual([8000, 12000]);
    const last = results[results.length - 1] as AckProcessed<number>;
    expect(pns(last.acked)).toEqual([9]);
    expect(pns(last.lost)).toEqual(pcVector.expect.lost);
    expect(last.persistentCongestion).toBe(pcVector.expect.persistentCongestion);
    // kMinimumWindow, then Appendix B runs OnPacketsLost before OnPacketsAcked: the acknowledged #9 (sent
    // before the congestion was established, outside any recovery period) grows it in slow start.
    expect(cc.slowStartThreshold()).toBe(6000);
    expect(cc.window()).toBe(2 * 1200 + 1200);
    expect(ld.stats.persistentCongestionEvents).toBe(1);
    // Duration (200 + 4 * 56.25 + 1500) * 3 = 5775 ms < congestion period 8 s - 1 s.
    expect((ld.rtt.smoothedRtt + 4 * ld.rtt.rttvar + 1500) * 3).toBe(5775);
  });

  it('does not establish persistent congestion when a packet sent in between was acknowledged', () => {
    const { results } = replayRfcExample({ ackOf5At: 5200 });
    const last = results[results.length - 1] as AckProcessed<number>;
    expect(pns(last.lost)).toEqual([6, 7, 8]);
    expect(last.persistentCongestion).toBe(false);
  });

  it('only counts packets sent after the first RTT sample', () => {
    const cc = new NewReno({ maxDatagramSize: 1200 });
    const ld = new LossDetection<number>({ isServer: true, maxDatagramSize: 1200, congestionControl: cc });
    ld.setHandshakeConfirmed(0);
    for (let pn = 1; pn <= 8; pn++) send(ld, 'application', pn, (pn - 1) * 1000);
    send(ld, 'application', 9, 12000);
    const r = ok(ld.onAckReceived('application', ranges([9, 9]), 0, 12200));
    expect(pns(r.lost)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.persistentCongestion).toBe(false); // the first sample was taken by this very ACK
    expect(cc.window()).toBe(6000); // an ordinary halving of 12000
  });
});

describe('LossDetection: spurious losses, ECN, discarding, memory', () => {
  it('reports a late acknowledgment of a lost packet as spurious and lets the controller undo', () => {
    const spy = new SpyController();
    const ld = warmServer(spy);
    for (let pn = 1; pn <= 5; pn++) send(ld, 'application', pn, 199 + pn);
    const r = ok(ld.onAckReceived('application', ranges([2, 5]), 0, 304));
    expect(pns(r.lost)).toEqual([1]);
    expect(spy.events).toHaveLength(1);
    expect(spy.events[0]?.cause).toBe('loss');
    expect(spy.events[0]?.lost.map((p) => p.packetNumber)).toEqual([1]);
    const late = ok(ld.onAckReceived('application', ranges([1, 5]), 0, 310));
    expect(pns(late.spuriouslyLost)).toEqual([1]);
    expect(late.acked).toEqual([]);
    expect(spy.spurious).toBe(1);
    expect(ld.stats.spuriousLosses).toBe(1);
  });

  it('signals a congestion event when the ECN-CE count increases (§7.1, B.7)', () => {
    const spy = new SpyController();
    const ld = warmServer(spy);
    send(ld, 'application', 1, 200);
    send(ld, 'application', 2, 201);
    const r = ok(ld.onAckReceived('application', ranges([1, 1]), 0, 300, { ect0: 1, ect1: 0, ce: 1 }));
    expect(r.ecnCongestion).toBe(true);
    expect(spy.events.map((e) => [e.cause, e.sentTime])).toEqual([['ecn', 200]]);
    const r2 = ok(ld.onAckReceived('application', ranges([1, 2]), 0, 301, { ect0: 2, ect1: 0, ce: 1 }));
    expect(r2.ecnCongestion).toBe(false);
    expect(spy.events).toHaveLength(1);
  });

  it('discards a space: its packets leave bytes in flight and the PTO is reset (§6.4, A.11)', () => {
    const ld = make({ isServer: false });
    send(ld, 'initial', 0, 0);
    send(ld, 'initial', 1, 1);
    send(ld, 'handshake', 0, 2);
    expect(ld.lossDetectionTimer()).toBe(1 + 999);
    ld.onLossDetectionTimeout(1000);
    expect(ld.ptoCount).toBe(1);
    const dropped = ld.discardSpace('initial', 1000);
    expect(pns(dropped)).toEqual([0, 1]);
    expect(ld.bytesInFlight).toBe(1200);
    expect(ld.ptoCount).toBe(0);
    expect(ld.lossDetectionTimer()).toBe(2 + 999);
    expect(ld.hasAckElicitingInFlight('initial')).toBe(false);
  });

  it('keeps memory bounded by what is in flight when packets are acknowledged', () => {
    const ld = warmServer();
    let t = 200;
    for (let pn = 1; pn <= 20_000; pn++) {
      send(ld, 'application', pn, (t += 0.1));
      if (pn % 2 === 0) ok(ld.onAckReceived('application', ranges([pn - 1, pn]), 0, t + 100));
    }
    expect(ld.trackedPackets('application')).toBeLessThan(100);
    expect(ld.bytesInFlight).toBe(0);
  });

  it('forgets the oldest ACK-only packets beyond the limit when the peer never acknowledges them', () => {
    const ld = make({ isServer: true, maxAckOnlyPackets: 100 });
    for (let pn = 0; pn < 5000; pn++) send(ld, 'application', pn, pn, { ackEliciting: false, inFlight: false });
    expect(ld.trackedPackets('application')).toBeLessThanOrEqual(200);
  });

  it('validates its inputs', () => {
    const ld = make({ isServer: true });
    send(ld, 'application', 5, 0);
    expect(() => send(ld, 'application', 5, 1)).toThrow(RangeError);
    expect(() => send(ld, 'application', 6, 1, { ackEliciting: true, inFlight: false })).toThrow(TypeError);
    expect(() => ld.skipPacketNumber('application', 3)).toThrow(RangeError);
    expect(() => ld.setPeerMaxAckDelay(-1)).toThrow(RangeError);
  });
});
