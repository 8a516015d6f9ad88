import { describe, expect, it } from 'vitest';
import { DeliveryRateEstimator } from './delivery-rate.js';

const MDS = 1200;

/** Sends one packet every `gap` ms while `rtt` ms later each is acknowledged alone. */
function steadyFlow(gap: number, rtt: number, count: number) {
  const est = new DeliveryRateEstimator();
  const inFlight: { pn: number; t: number; fields: ReturnType<DeliveryRateEstimator['onPacketSent']> }[] = [];
  const samples: number[] = [];
  let bytesInFlight = 0;
  for (let i = 0; i < count; i++) {
    const t = i * gap;
    // Acknowledge everything due by now first.
    while (inFlight.length > 0 && (inFlight[0] as { t: number }).t + rtt <= t) {
      const p = inFlight.shift() as (typeof inFlight)[number];
      est.beginAck();
      est.onPacketAcked({ ...p.fields, timeSent: p.t, size: MDS, packetNumber: p.pn }, p.t + rtt);
      bytesInFlight -= MDS;
      samples.push(est.generateRateSample(rtt).deliveryRate);
    }
    inFlight.push({ pn: i, t, fields: est.onPacketSent(t, bytesInFlight, MDS) });
    bytesInFlight += MDS;
  }
  return { est, samples };
}

describe('delivery-rate estimation (draft-cheng-iccrg-delivery-rate-estimation)', () => {
  it('measures the rate of a steady flow', () => {
    const { samples } = steadyFlow(2, 50, 500); // 600 bytes per ms
    const late = samples.slice(100);
    for (const s of late) expect(s).toBeCloseTo(600, 6);
  });

  it('snapshots delivered, delivered_time, first_sent_time and tx_in_flight at send', () => {
    const est = new DeliveryRateEstimator();
    const a = est.onPacketSent(10, 0, MDS);
    expect(a).toEqual({ delivered: 0, deliveredTime: 10, firstSentTime: 10, isAppLimited: false, txInFlight: 1200, lost: 0 });
    const b = est.onPacketSent(12, 1200, MDS);
    expect(b).toEqual({ delivered: 0, deliveredTime: 10, firstSentTime: 10, isAppLimited: false, txInFlight: 2400, lost: 0 });
    est.beginAck();
    est.onPacketAcked({ ...a, timeSent: 10, size: MDS, packetNumber: 0 }, 60);
    est.onPacketLost(MDS);
    const rs = est.generateRateSample(0);
    expect(rs).toMatchObject({ delivered: 1200, interval: 50, newlyAcked: 1200, newlyLost: 1200, txInFlight: 1200, rtt: 50, priorDelivered: 0 });
    expect(rs.deliveryRate).toBe(24);
    expect(rs.lost).toBe(1200); // lost since packet a was sent
  });

  it('caps the rate by the send rate when ACKs are compressed (delivery_elapsed = max(ack, send))', () => {
    const est = new DeliveryRateEstimator();
    const sent = Array.from({ length: 9 }, (_, i) => ({ f: est.onPacketSent(i * 10, i * MDS, MDS), t: i * 10, pn: i }));
    // The first packet is acknowledged at 80 (C.delivered_time = 80), then packet 9 goes out at 90.
    est.beginAck();
    const first = sent.shift() as (typeof sent)[number];
    est.onPacketAcked({ ...first.f, timeSent: first.t, size: MDS, packetNumber: first.pn }, 80);
    est.generateRateSample(0);
    sent.push({ f: est.onPacketSent(90, 8 * MDS, MDS), t: 90, pn: 9 });
    expect(sent[8]?.f).toMatchObject({ delivered: 1200, deliveredTime: 80, firstSentTime: 0 });
    // The other nine are acknowledged together at 100: ack_elapsed 20 ms but send_elapsed 90 ms.
    est.beginAck();
    for (const s of sent) est.onPacketAcked({ ...s.f, timeSent: s.t, size: MDS, packetNumber: s.pn }, 100);
    const rs = est.generateRateSample(0);
    expect(rs.interval).toBe(90);
    expect(rs.delivered).toBe(10_800);
    expect(rs.deliveryRate).toBe(120); // not the ACK rate of 540
  });

  it('gives no rate for an interval shorter than min_rtt', () => {
    const est = new DeliveryRateEstimator();
    const a = est.onPacketSent(0, 0, MDS);
    est.beginAck();
    est.onPacketAcked({ ...a, timeSent: 0, size: MDS, packetNumber: 0 }, 5);
    expect(est.generateRateSample(10).deliveryRate).toBe(0);
    est.beginAck();
    expect(est.generateRateSample(10)).toMatchObject({ deliveryRate: 0, delivered: 0, newlyAcked: 0, rtt: -1 });
  });

  it('marks samples application-limited until the bubble is acknowledged', () => {
    const est = new DeliveryRateEstimator();
    const a = est.onPacketSent(0, 0, MDS);
    est.markAppLimited(MDS); // C.app_limited = delivered + inflight = 1200
    const b = est.onPacketSent(1, MDS, MDS);
    expect(a.isAppLimited).toBe(false);
    expect(b.isAppLimited).toBe(true);
    est.beginAck();
    est.onPacketAcked({ ...b, timeSent: 1, size: MDS, packetNumber: 1 }, 60);
    expect(est.generateRateSample(0).isAppLimited).toBe(true);
    est.beginAck();
    est.onPacketAcked({ ...a, timeSent: 0, size: MDS, packetNumber: 0 }, 61);
    est.generateRateSample(0); // delivered 2400 > 1200: the bubble is gone
    expect(est.appLimited).toBe(0);
    expect(est.onPacketSent(62, 0, MDS).isAppLimited).toBe(false);
  });
});
