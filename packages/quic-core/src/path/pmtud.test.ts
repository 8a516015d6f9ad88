import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE_PLPMTU,
  DEFAULT_BLACK_HOLE_THRESHOLD,
  IPV6_SAFE_MAX_PLPMTU,
  MAX_PROBES,
  PMTU_RAISE_TIMER,
  PROBE_TIMER,
  Pmtud,
  PmtudState,
} from './pmtud.js';
import type { PmtudOptions } from './pmtud.js';

/** A deterministic pseudo-random source (LCG) for loss patterns. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface DriveResult {
  readonly probes: number;
  readonly sizes: number[];
  readonly now: number;
}

/**
 * Runs probes over a path that carries datagrams up to `pathMtu` bytes, one probe per 10 ms, until none is due.
 * `lose(size)` may drop a probe the path would carry.
 */
function drive(p: Pmtud, pathMtu: number, start = 0, lose: (size: number) => boolean = () => false): DriveResult {
  let now = start;
  const sizes: number[] = [];
  for (let i = 0; i < 1000; i++) {
    now += 10;
    const size = p.probeSize(now);
    if (size === undefined) return { probes: sizes.length, sizes, now };
    p.onProbeSent(size, now);
    sizes.push(size);
    if (size <= pathMtu && !lose(size)) p.onProbeAcked(size, now + 5);
    else p.onProbeLost(size, now + 5);
  }
  throw new Error('probing did not stop');
}

describe('Pmtud: start and limits', () => {
  it('starts Searching at the base (the handshake confirmed 1200 bytes) and probes the maximum first', () => {
    const p = new Pmtud();
    expect(p.state).toBe(PmtudState.SEARCHING);
    expect(p.currentMtu).toBe(BASE_PLPMTU);
    expect(p.maxMtu).toBe(IPV6_SAFE_MAX_PLPMTU);
    expect(p.probeSize(0)).toBe(1452);
    expect(p.timeout()).toBeUndefined();
  });

  it('the ceiling is the smaller of the local maximum and the peer max_udp_payload_size', () => {
    expect(new Pmtud({ maxPlpmtu: 1500, peerMaxUdpPayloadSize: 1350 }).maxMtu).toBe(1350);
    expect(new Pmtud({ maxPlpmtu: 1400, peerMaxUdpPayloadSize: 65527 }).maxMtu).toBe(1400);
  });

  it('is Disabled when turned off or when the ceiling is the base', () => {
    for (const p of [new Pmtud({ enabled: false }), new Pmtud({ maxPlpmtu: 1200 }), new Pmtud({ peerMaxUdpPayloadSize: 1200 })]) {
      expect(p.state).toBe(PmtudState.DISABLED);
      expect(p.currentMtu).toBe(1200);
      expect(p.probeSize(0)).toBeUndefined();
      expect(p.timeout()).toBeUndefined();
      expect(() => p.onProbeSent(1300, 0)).toThrow(RangeError);
    }
  });

  it('rejects options out of range', () => {
    const bad: PmtudOptions[] = [
      { maxPlpmtu: 1199 },
      { maxPlpmtu: 65528 },
      { maxPlpmtu: 1300.5 },
      { peerMaxUdpPayloadSize: 1000 },
      { searchGranularity: 0 },
      { maxProbes: 0 },
      { raiseTimer: -1 },
      { probeTimer: 999 },
      { blackHoleThreshold: 0 },
      { blackHoleResearchDelay: Number.NaN },
    ];
    for (const options of bad) expect(() => new Pmtud(options), JSON.stringify(options)).toThrow(RangeError);
  });
});

describe('Pmtud: search', () => {
  it('reaches exactly the maximum in one probe when the path carries it', () => {
    const p = new Pmtud({ maxPlpmtu: 1452 });
    const r = drive(p, 1452);
    expect(r.sizes).toEqual([1452]);
    expect(p.currentMtu).toBe(1452);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
  });

  it('converges to a 1350-byte path below a 1500-byte ceiling (exact with granularity 1)', () => {
    const p = new Pmtud({ maxPlpmtu: 1500, searchGranularity: 1 });
    const r = drive(p, 1350);
    expect(p.currentMtu).toBe(1350);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
    // The maximum first, then a bisection of (1200, 1500]: at most ceil(log2 300) = 9 sizes, 3 probes per failure.
    expect(r.probes).toBeLessThanOrEqual(1 + MAX_PROBES * 10);
    expect(r.sizes[0]).toBe(1500);
    expect(r.sizes.slice(0, 3)).toEqual([1500, 1500, 1500]);
    expect(Math.max(...r.sizes.filter((s) => s <= 1350))).toBe(1350);
  });

  it('with the default granularity, stops within 20 bytes of a 1350-byte path in few probes', () => {
    const p = new Pmtud({ maxPlpmtu: 1500 });
    const r = drive(p, 1350);
    expect(p.currentMtu).toBeLessThanOrEqual(1350);
    expect(p.currentMtu).toBeGreaterThan(1350 - 20);
    expect(r.probes).toBeLessThanOrEqual(16);
  });

  it('converges to a 1500-byte Ethernet path under a jumbo ceiling', () => {
    const p = new Pmtud({ maxPlpmtu: 9000, peerMaxUdpPayloadSize: 9000, searchGranularity: 1 });
    const r = drive(p, 1500);
    expect(p.currentMtu).toBe(1500);
    expect(r.probes).toBeLessThanOrEqual(MAX_PROBES * 14);
    const q = new Pmtud({ maxPlpmtu: 9000 });
    drive(q, 1500);
    expect(q.currentMtu).toBeLessThanOrEqual(1500);
    expect(q.currentMtu).toBeGreaterThan(1480);
  });

  it('keeps one probe in flight at a time', () => {
    const p = new Pmtud();
    p.onProbeSent(1452, 0);
    expect(p.probeInFlight).toBe(1452);
    expect(p.probeSize(1)).toBeUndefined();
    expect(() => p.onProbeSent(1452, 1)).toThrow(RangeError);
  });

  it('rejects sending a size it did not ask for, and ignores stale reports', () => {
    const p = new Pmtud();
    expect(() => p.onProbeSent(1400, 0)).toThrow(RangeError);
    p.onProbeAcked(1452, 0);
    p.onProbeLost(1452, 0);
    expect(p.currentMtu).toBe(1200);
    expect(p.stats()).toEqual({ probesSent: 0, probesAcked: 0, probesLost: 0, blackHolesDetected: 0 });
    p.onProbeSent(1452, 0);
    p.onProbeAcked(1300, 1);
    expect(p.probeInFlight).toBe(1452);
    expect(p.currentMtu).toBe(1200);
  });

  it('a size fails only after MAX_PROBES losses: two lost probes then an acknowledged one confirm it', () => {
    const p = new Pmtud({ maxPlpmtu: 1452 });
    let attempts = 0;
    const r = drive(p, 1452, 0, () => ++attempts <= MAX_PROBES - 1);
    expect(r.sizes).toEqual([1452, 1452, 1452]);
    expect(p.currentMtu).toBe(1452);
    expect(p.stats()).toEqual({ probesSent: 3, probesAcked: 1, probesLost: 2, blackHolesDetected: 0 });
  });

  it('MAX_PROBES losses of a supported size make the search look lower (random loss costs MTU, never correctness)', () => {
    const p = new Pmtud({ maxPlpmtu: 1452, searchGranularity: 1 });
    drive(p, 1452, 0, (s) => s === 1452);
    expect(p.currentMtu).toBe(1451);
  });

  it('random probe loss never pushes the PLPMTU above the path MTU (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1200, max: 9000 }),
        fc.integer({ min: 1201, max: 9000 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer(),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (pathMtu, maxPlpmtu, searchGranularity, seed, lossRate) => {
          const p = new Pmtud({ maxPlpmtu, searchGranularity });
          const rnd = lcg(seed);
          const r = drive(p, pathMtu, 0, () => rnd() < lossRate);
          const limit = Math.min(pathMtu, maxPlpmtu);
          expect(p.currentMtu).toBeLessThanOrEqual(limit);
          expect(p.currentMtu).toBeGreaterThanOrEqual(BASE_PLPMTU);
          for (const s of r.sizes) {
            expect(s).toBeGreaterThan(BASE_PLPMTU);
            expect(s).toBeLessThanOrEqual(maxPlpmtu);
          }
          expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
          if (lossRate === 0) {
            expect(p.currentMtu).toBeGreaterThan(limit - Math.max(searchGranularity, 1) - 1);
            expect(r.probes).toBeLessThanOrEqual(1 + MAX_PROBES * (Math.ceil(Math.log2(maxPlpmtu - 1199)) + 1));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('without loss, it finds the path MTU to within the granularity (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1200, max: 9000 }), fc.integer({ min: 1201, max: 9000 }), fc.integer({ min: 1, max: 64 }), (pathMtu, maxPlpmtu, g) => {
        const p = new Pmtud({ maxPlpmtu, searchGranularity: g });
        drive(p, pathMtu);
        const limit = Math.min(pathMtu, maxPlpmtu);
        expect(p.currentMtu).toBeLessThanOrEqual(limit);
        expect(limit - p.currentMtu).toBeLessThan(g);
      }),
      { numRuns: 150 },
    );
  });
});

describe('Pmtud: raise timer', () => {
  it('restarts the search PMTU_RAISE_TIMER after it completed, and finds a grown path MTU', () => {
    const p = new Pmtud({ maxPlpmtu: 1500, searchGranularity: 1 });
    const first = drive(p, 1350);
    expect(p.currentMtu).toBe(1350);
    const done = first.now - 10 + 5; // the last probe's result
    expect(p.timeout()).toBe(done + PMTU_RAISE_TIMER);
    expect(p.probeSize(done + PMTU_RAISE_TIMER - 1)).toBeUndefined();
    p.onTimeout(done + PMTU_RAISE_TIMER);
    expect(p.state).toBe(PmtudState.SEARCHING);
    expect(p.timeout()).toBeUndefined();
    expect(p.currentMtu).toBe(1350);
    drive(p, 1500, done + PMTU_RAISE_TIMER);
    expect(p.currentMtu).toBe(1500);
  });

  it('a search at the ceiling completes at once and re-arms the raise timer', () => {
    const p = new Pmtud({ maxPlpmtu: 1452 });
    drive(p, 1452);
    const t = p.timeout()!;
    p.onTimeout(t);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
    expect(p.timeout()).toBe(t + PMTU_RAISE_TIMER);
  });
});

describe('Pmtud: black holes', () => {
  /** Converges on a 1452-byte path and returns the time. */
  function converged(options: PmtudOptions = {}): { p: Pmtud; now: number } {
    const p = new Pmtud({ maxPlpmtu: 1452, ...options });
    const r = drive(p, 1452);
    expect(p.currentMtu).toBe(1452);
    return { p, now: r.now + 10 };
  }

  it('full-sized losses while small packets get through: back to the base, re-confirm it, search again later', () => {
    const { p, now } = converged({ maxPlpmtu: 1452, searchGranularity: 1 });
    // The path MTU drops to 1280. Full-sized data packets sent at now, now+1, now+2, ... are lost; a small
    // ACK-only packet sent at now+1 is acknowledged.
    p.onPacketAcked(100, now + 1);
    p.onPacketLost(1452, now, now + 100);
    p.onPacketLost(1452, now + 2, now + 101);
    p.onPacketLost(1452, now + 3, now + 101);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
    p.onPacketLost(1452, now + 4, now + 102); // the 4th (DEFAULT_BLACK_HOLE_THRESHOLD) suspicious loss
    expect(p.state).toBe(PmtudState.BASE);
    expect(p.currentMtu).toBe(1200);
    expect(p.stats().blackHolesDetected).toBe(1);
    // Base: the base size is re-confirmed with a probe.
    expect(p.probeSize(now + 103)).toBe(1200);
    p.onProbeSent(1200, now + 103);
    p.onProbeAcked(1200, now + 110);
    expect(p.state).toBe(PmtudState.BASE);
    // The next search waits for the research delay (60 s by default).
    expect(p.probeSize(now + 111)).toBeUndefined();
    expect(p.timeout()).toBe(now + 102 + 60_000);
    p.onTimeout(now + 102 + 60_000);
    expect(p.state).toBe(PmtudState.SEARCHING);
    drive(p, 1280, now + 102 + 60_000);
    expect(p.currentMtu).toBe(1280);
  });

  it('the threshold is configurable', () => {
    expect(DEFAULT_BLACK_HOLE_THRESHOLD).toBe(4);
    const { p, now } = converged({ blackHoleThreshold: 2 });
    p.onPacketAcked(100, now + 1);
    p.onPacketLost(1452, now, now + 10);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
    p.onPacketLost(1452, now + 2, now + 10);
    expect(p.state).toBe(PmtudState.BASE);
  });

  it('a total outage (no small packet gets through) is not a black hole', () => {
    const { p, now } = converged();
    for (let i = 0; i < 20; i++) p.onPacketLost(1452, now + i, now + 100 + i);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
    expect(p.currentMtu).toBe(1452);
  });

  it('a large packet sent later getting through ends the run', () => {
    const { p, now } = converged();
    p.onPacketAcked(100, now + 5);
    p.onPacketLost(1452, now, now + 50);
    p.onPacketLost(1452, now + 1, now + 50);
    p.onPacketAcked(1452, now + 3);
    p.onPacketLost(1452, now + 2, now + 51);
    p.onPacketLost(1452, now + 4, now + 52);
    p.onPacketLost(1452, now + 5, now + 52);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
    expect(p.currentMtu).toBe(1452);
  });

  it('a loss older than an acknowledged packet of its size is not suspicious (acks before losses, RFC 9002 order)', () => {
    const { p, now } = converged();
    p.onPacketAcked(100, now + 10);
    p.onPacketAcked(1452, now + 10);
    for (let i = 0; i < 10; i++) p.onPacketLost(1452, now + i, now + 20);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
  });

  for (const rate of [0.05, 0.2, 0.4]) {
    it(`${rate * 100}% random loss over 20 000 packets never looks like a black hole`, () => {
      const { p, now } = converged();
      const rnd = lcg(12345);
      const count = 20_000;
      const lost: boolean[] = [];
      for (let i = 0; i < count; i++) lost.push(rnd() < rate);
      // Every 4th packet is a small ACK-only packet; the rest are full-sized. An ACK arrives for each delivered
      // packet in order; a packet is declared lost once three later packets were acknowledged (kPacketThreshold),
      // and reported after the acknowledgement that revealed it.
      const size = (i: number): number => (i % 4 === 3 ? 90 : 1452);
      const recent: number[] = [];
      let next = 0;
      let losses = 0;
      for (let i = 0; i < count; i++) {
        if (lost[i]) continue;
        p.onPacketAcked(size(i), now + i);
        recent.push(i);
        if (recent.length > 3) recent.shift();
        while (next < i && recent.length === 3 && recent[0]! > next) {
          if (lost[next]) {
            p.onPacketLost(size(next), now + next, now + i + 50);
            losses++;
          }
          next++;
        }
      }
      expect(losses).toBeGreaterThan(count * rate * 0.9);
      expect(p.stats().blackHolesDetected).toBe(0);
      expect(p.currentMtu).toBe(1452);
    });
  }

  it('base probes all lost: Error, then re-probing every PROBE_TIMER until the base gets through', () => {
    const { p, now } = converged({ blackHoleResearchDelay: 0 });
    p.onPacketAcked(100, now + 1);
    for (let i = 0; i < DEFAULT_BLACK_HOLE_THRESHOLD; i++) p.onPacketLost(1452, now + 2 * i, now + 100);
    expect(p.state).toBe(PmtudState.BASE);
    let t = now + 200;
    for (let i = 0; i < MAX_PROBES; i++) {
      expect(p.probeSize(t)).toBe(1200);
      p.onProbeSent(1200, t);
      p.onProbeLost(1200, t + 50);
      t += 100;
    }
    expect(p.state).toBe(PmtudState.ERROR);
    expect(p.currentMtu).toBe(1200);
    const lostAt = t - 100 + 50;
    expect(p.timeout()).toBe(lostAt + PROBE_TIMER);
    expect(p.probeSize(lostAt + PROBE_TIMER - 1)).toBeUndefined();
    expect(p.probeSize(lostAt + PROBE_TIMER)).toBe(1200);
    p.onProbeSent(1200, lostAt + PROBE_TIMER);
    p.onProbeLost(1200, lostAt + PROBE_TIMER + 10);
    expect(p.state).toBe(PmtudState.ERROR);
    const again = lostAt + PROBE_TIMER + 10 + PROBE_TIMER;
    expect(p.timeout()).toBe(again);
    p.onTimeout(again);
    p.onProbeSent(1200, again);
    p.onProbeAcked(1200, again + 10);
    // Recovered: research delay 0, so the search resumes at once.
    expect(p.state).toBe(PmtudState.SEARCHING);
    drive(p, 1452, again + 10);
    expect(p.currentMtu).toBe(1452);
  });

  it('a probe in flight when the black hole hits is forgotten', () => {
    const q = new Pmtud({ maxPlpmtu: 1500, searchGranularity: 1 });
    drive(q, 1400);
    expect(q.currentMtu).toBe(1400);
    const t = q.timeout()!;
    q.onTimeout(t);
    expect(q.state).toBe(PmtudState.SEARCHING);
    expect(q.probeSize(t)).toBe(1500);
    q.onProbeSent(1500, t);
    q.onPacketAcked(100, t + 1);
    for (const sent of [t, t + 2, t + 3, t + 4]) q.onPacketLost(1400, sent, t + 10);
    expect(q.state).toBe(PmtudState.BASE);
    expect(q.probeInFlight).toBeUndefined();
    const lostBefore = q.stats().probesLost;
    q.onProbeLost(1500, t + 20); // stale: ignored
    expect(q.stats().probesLost).toBe(lostBefore);
    expect(q.probeSize(t + 21)).toBe(1200);
  });

  it('losses at or below the base, and losses while at the base, are ignored', () => {
    const p = new Pmtud();
    p.onPacketAcked(100, 1);
    for (let i = 0; i < 10; i++) p.onPacketLost(1200, i, 50);
    expect(p.stats().blackHolesDetected).toBe(0);
    const { p: q, now } = converged();
    q.onPacketAcked(100, now + 1);
    for (let i = 0; i < 10; i++) q.onPacketLost(1200, now + i, now + 50);
    expect(q.currentMtu).toBe(1452);
  });
});

describe('Pmtud: peer max_udp_payload_size', () => {
  it('lowers the ceiling mid-search and never lets the PLPMTU exceed it', () => {
    const p = new Pmtud({ maxPlpmtu: 1500, searchGranularity: 1 });
    p.onProbeSent(1500, 0);
    p.onProbeAcked(1500, 5);
    expect(p.currentMtu).toBe(1500);
    p.onPeerMaxUdpPayloadSize(1400, 10);
    expect(p.maxMtu).toBe(1400);
    expect(p.currentMtu).toBe(1400);
    expect(p.state).toBe(PmtudState.SEARCH_COMPLETE);
    expect(p.timeout()).toBe(5 + PMTU_RAISE_TIMER); // armed when the 1500 probe completed the search
    p.onPeerMaxUdpPayloadSize(9000, 11);
    expect(p.maxMtu).toBe(1400);
  });

  it('forgets a probe in flight above the new ceiling and probes within it', () => {
    const p = new Pmtud({ maxPlpmtu: 1500 });
    p.onProbeSent(1500, 0);
    p.onPeerMaxUdpPayloadSize(1350, 1);
    expect(p.probeInFlight).toBeUndefined();
    expect(p.probeSize(2)).toBe(1350);
    p.onProbeLost(1500, 3); // stale
    expect(p.probeSize(4)).toBe(1350);
    const r = drive(p, 1500, 4);
    expect(r.sizes).toEqual([1350]);
    expect(p.currentMtu).toBe(1350);
  });

  it('a peer limit of 1200 disables the search; below 1200 is an error', () => {
    const p = new Pmtud();
    p.onPeerMaxUdpPayloadSize(1200, 0);
    expect(p.state).toBe(PmtudState.DISABLED);
    expect(p.currentMtu).toBe(1200);
    expect(() => p.onPeerMaxUdpPayloadSize(1199, 0)).toThrow(RangeError);
  });
});
