import { equal } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { BulkSender, DEFAULT_LINK, Sink, makePair, testData } from './pair.js';

const SIZE = 10 * 1024 * 1024;
const data = testData(SIZE);

function transfer(loss: number, seed: number) {
  const sender = new BulkSender(data);
  const sink = new Sink();
  const pair = makePair({ seed, link: { ...DEFAULT_LINK, loss }, clientApp: sender, serverApp: sink });
  const result = pair.sim.run({ until: () => sink.finishedAt.size === 1, maxTime: 400_000, maxEvents: 1_000_000 });
  return { pair, sink, result };
}

// 10 MB over 100 Mbit/s with a 20 ms RTT, random loss in both directions (data and ACKs). The bounds on virtual
// time are loose multiples of what loss-based congestion control can do at that loss rate (the Mathis model puts
// CUBIC near 3 Mbit/s at 5 percent and 1.5 Mbit/s at 20 percent); they catch stalls, not tuning.
const cases = [
  { loss: 0, seed: 11, maxVirtualMs: 3_000 },
  { loss: 0.05, seed: 12, maxVirtualMs: 90_000 },
  { loss: 0.2, seed: 13, maxVirtualMs: 300_000 },
] as const;

describe('10 MB client to server', () => {
  for (const { loss, seed, maxVirtualMs } of cases) {
    it(`completes intact at ${loss * 100}% loss`, () => {
      const { pair, sink, result } = transfer(loss, seed);
      expect(result.reason).toBe('until');
      expect(result.now).toBeLessThan(maxVirtualMs);
      expect(result.events).toBeLessThan(60_000);
      const [id] = [...sink.finishedAt.keys()];
      expect(id).toBe(2); // the client's first unidirectional stream
      expect(equal(sink.bytesOf(2), data)).toBe(true);
      const stats = pair.clientConn.stats();
      // Everything sent beyond the payload is headers, ACKs, handshake and retransmissions: bounded by the loss.
      expect(stats.bytesSent).toBeGreaterThan(SIZE);
      expect(stats.bytesSent).toBeLessThan(SIZE * (1.12 + 1.5 * loss));
      if (loss > 0) expect(stats.packetsLost).toBeGreaterThan(0);
      expect(pair.clientConn.isEstablished()).toBe(true);
      expect(pair.serverConn().isEstablished()).toBe(true);
    });
  }

  it('is reproducible: the same seed gives the same run', () => {
    const a = transfer(0.05, 21);
    const b = transfer(0.05, 21);
    expect(a.result).toEqual(b.result);
    expect(a.pair.clientConn.stats()).toEqual(b.pair.clientConn.stats());
  });
});
