import { describe, expect, it } from 'vitest';
import { CSS_ROUNDS, HyStartPlusPlus, N_RTT_SAMPLE } from './hystart.js';

/** Drives packet-timed rounds of `acks` ACKs of 1200 bytes, each with an RTT sample. */
class Driver {
  delivered = 0;
  windowEnd = 0;
  constructor(readonly h: HyStartPlusPlus) {}
  round(rtt: number, acks = N_RTT_SAMPLE + 2) {
    const out = [];
    for (let i = 0; i < acks; i++) {
      // The first ACK of a round acknowledges a packet sent after the previous round began.
      const priorDelivered = i === 0 ? this.delivered : this.windowEnd - 1;
      this.delivered += 1200;
      if (i === 0) this.windowEnd = this.delivered;
      out.push(this.h.onAck({ priorDelivered, totalDelivered: this.delivered, ackedBytes: 1200, rttSample: rtt }));
    }
    return out;
  }
}

describe('HyStart++ (RFC 9406)', () => {
  it('stays in slow start while the round minimum RTT is steady, growing by the bytes acknowledged', () => {
    const d = new Driver(new HyStartPlusPlus());
    for (let r = 0; r < 4; r++) {
      for (const x of d.round(100)) expect(x).toEqual({ increase: 1200, exitSlowStart: false });
    }
    expect(d.h.phase).toBe('slowStart');
  });

  it('enters CSS on an RTT increase of at least the threshold, grows by 1/4, and leaves after CSS_ROUNDS rounds', () => {
    const d = new Driver(new HyStartPlusPlus());
    d.round(100);
    d.round(100);
    // lastRoundMinRTT 100 ms: threshold clamp(100 / 8, 4, 16) = 12.5 ms; 112 ms is not enough.
    d.round(112);
    expect(d.h.phase).toBe('slowStart');
    const r = d.round(125); // last 112 ms: threshold 14 ms, and 125 < 126
    expect(d.h.phase).toBe('slowStart');
    expect(r.every((x) => x.increase === 1200)).toBe(true);
    const entering = d.round(140); // last 125 ms: threshold 15.625 ms, and 140 < 140.625
    expect(d.h.phase).toBe('slowStart');
    expect(entering.length).toBe(N_RTT_SAMPLE + 2);
    const css = d.round(160); // last 140 ms: threshold min(17.5, 16) = 16 ms, 160 >= 156: CSS after the 8th sample
    expect(d.h.phase).toBe('conservativeSlowStart');
    expect(d.h.cssBaselineMinRtt).toBe(160);
    expect(css.slice(0, N_RTT_SAMPLE).every((x) => x.increase === 1200)).toBe(true);
    expect(css.slice(N_RTT_SAMPLE).every((x) => x.increase === 300)).toBe(true);
    // CSS_ROUNDS - 1 further rounds stay in CSS; the start of the next one exits slow start.
    for (let i = 1; i < CSS_ROUNDS; i++) {
      expect(d.round(160).every((x) => x.increase === 300 && !x.exitSlowStart)).toBe(true);
    }
    const exit = d.round(160);
    expect(exit[0]).toEqual({ increase: 0, exitSlowStart: true });
    expect(d.h.phase).toBe('done');
  });

  it('returns from CSS to slow start when the RTT falls below the CSS baseline', () => {
    const d = new Driver(new HyStartPlusPlus());
    d.round(40);
    d.round(48); // threshold max(4, 40 / 8 = 5) = 5: 48 >= 45
    expect(d.h.phase).toBe('conservativeSlowStart');
    d.round(41);
    expect(d.h.phase).toBe('slowStart');
    expect(d.h.cssBaselineMinRtt).toBe(Infinity);
  });

  it('needs N_RTT_SAMPLE samples in the round before deciding', () => {
    const d = new Driver(new HyStartPlusPlus());
    d.round(100);
    d.round(200, N_RTT_SAMPLE - 1);
    expect(d.h.phase).toBe('slowStart');
  });

  it('ends on congestion', () => {
    const h = new HyStartPlusPlus();
    h.onCongestion();
    expect(h.phase).toBe('done');
    h.restart();
    expect(h.phase).toBe('slowStart');
  });
});
