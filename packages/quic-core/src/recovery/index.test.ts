import { describe, expect, it } from 'vitest';
import * as recovery from './index.js';

describe('recovery barrel and wiring', () => {
  it('creates every registered controller by name', () => {
    for (const name of Object.values(recovery.CongestionControllerName)) {
      const cc = recovery.createCongestionController(name, { maxDatagramSize: 1200 });
      expect(cc.name).toBe(name);
      expect(cc.window()).toBe(12_000);
      expect(cc.inSlowStart()).toBe(true);
    }
    expect(() => recovery.createCongestionController('vegas' as never, { maxDatagramSize: 1200 })).toThrow(TypeError);
  });

  it('LossDetection wires controller, delivery rate and pacing fallback', () => {
    const ld = new recovery.LossDetection<string>({ isServer: true, maxDatagramSize: 1200, congestionControl: 'new_reno' });
    expect(ld.congestionController.name).toBe('new_reno');
    // 1.25 * cwnd / smoothed_rtt before any sample: 1.25 * 12000 / 333.
    expect(ld.pacingRate()).toBeCloseTo(15_000 / 333, 12);
    expect(ld.sendAllowance()).toBe(12_000);
    ld.onPacketSent('application', { packetNumber: 0, timeSent: 0, size: 1200, ackEliciting: true, inFlight: true, payload: 'a' });
    expect(ld.sendAllowance()).toBe(10_800);
    ld.onApplicationLimited();
    const p = ld.onPacketSent('application', { packetNumber: 1, timeSent: 1, size: 1200, ackEliciting: true, inFlight: true, payload: 'b' });
    expect(p.isAppLimited).toBe(true);
    expect(p.txInFlight).toBe(2400);
    expect(p.payload).toBe('b');
    const bbr = new recovery.LossDetection<string>({ isServer: true, maxDatagramSize: 1200, congestionControl: 'bbr' });
    expect(bbr.congestionController).toBeInstanceOf(recovery.Bbr);
    expect(new recovery.LossDetection({ isServer: true, maxDatagramSize: 1200 }).congestionController.name).toBe('cubic');
    expect(() => new recovery.LossDetection({ isServer: true, maxDatagramSize: 1199 })).toThrow(RangeError);
    const reno = new recovery.LossDetection({ isServer: true, maxDatagramSize: 1200, congestionControl: 'new_reno' });
    reno.setMaxDatagramSize(9000);
    expect(reno.maxDatagramSize).toBe(9000);
    expect(reno.congestionWindow()).toBe(18_000); // raised to the new minimum window, 2 * 9000
  });

  it('a window-based controller does not grow while the connection is application-limited (RFC 9002 §7.8)', () => {
    const ld = new recovery.LossDetection<number>({ isServer: true, maxDatagramSize: 1200, congestionControl: 'new_reno' });
    ld.setHandshakeConfirmed(0);
    let pn = 0;
    let t = 0;
    // One packet per RTT for 50 RTTs: never more than 1200 bytes in flight.
    for (let i = 0; i < 50; i++) {
      ld.onPacketSent('application', { packetNumber: pn, timeSent: t, size: 1200, ackEliciting: true, inFlight: true, payload: pn });
      t += 50;
      ld.onAckReceived('application', [{ smallest: pn, largest: pn }], 0, t);
      pn++;
    }
    expect(ld.congestionWindow()).toBe(12_000);
  });
});
