import { equal } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import type { CongestionControllerName } from '../../src/recovery/index.js';
import { BulkSender, DEFAULT_LINK, Sink, makePair, testData } from './pair.js';

const CONTROLLERS: readonly CongestionControllerName[] = ['cubic', 'new_reno', 'bbr'];

/**
 * A request/response exchange on one bidirectional stream (300 KB up, 100 KB back) through a mix of impairments that
 * changes with the seed: random loss up to 25 percent, jitter, reordering, duplication, corruption, a 2 s blackhole
 * early in the connection, short queues, small flow-control windows, and each congestion controller.
 */
function run(seed: number) {
  const up = testData(300_000, seed);
  const down = up.subarray(0, 100_000);
  const serverSink = new Sink();
  const clientSink = new Sink();
  const request = new BulkSender(up, 'bidi');
  const reply = new BulkSender(down, 'bidi');
  const cc = CONTROLLERS[seed % 3]!;
  const link = {
    ...DEFAULT_LINK,
    loss: (seed % 6) * 0.05,
    jitter: seed % 3,
    reorderProbability: 0.02,
    duplicateProbability: 0.01,
    corruptProbability: 0.01,
    blackholes: seed % 4 === 0 ? [{ from: 200, to: 2_200 }] : [],
    queueBytes: 30_000 + 10_000 * (seed % 5),
  };
  const pair = makePair({
    seed,
    link,
    client: { ccAlgorithm: cc },
    server: { ccAlgorithm: cc, initialMaxStreamDataBidiRemote: 20_000, initialMaxData: 30_000 },
    clientApp: { tick: (c) => request.tick(c), onEvent: (c, e, now) => clientSink.onEvent(c, e, now) },
    serverApp: {
      onEvent: (c, e, now) => serverSink.onEvent(c, e, now),
      tick: (c) => {
        if (!serverSink.finishedAt.has(0)) return;
        reply.streamId = 0;
        reply.tick(c);
      },
    },
  });
  const result = pair.sim.run({ until: () => clientSink.finishedAt.has(0), maxTime: 120_000 });
  return { pair, result, ok: equal(serverSink.bytesOf(0), up) && equal(clientSink.bytesOf(0), down) };
}

describe('mixed impairments', () => {
  it('every seed completes intact, without any connection error', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 36; seed++) {
      const { pair, result, ok } = run(seed);
      const closes = [...pair.client.eventsOf('connectionClosed'), ...pair.server.eventsOf('connectionClosed')];
      if (result.reason !== 'until' || !ok || closes.length > 0) {
        failures.push(`seed ${seed}: ${result.reason} at ${Math.round(result.now)} ms ${JSON.stringify(closes.map((c) => c.event))}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
