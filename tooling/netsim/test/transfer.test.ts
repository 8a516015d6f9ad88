import { describe, expect, it } from 'vitest';
import { Simulator, type LinkConfig, type SocketAddress, type TraceEvent } from '../src/index.js';
import { A, aAddr, B, bAddr } from './setup.js';
import { Echo, makeChunks, Pinger, WindowReceiver, WindowSender } from './toys.js';

describe('ping-pong', () => {
  it('measures exactly the sum of both one-way delays plus serialization', () => {
    const sim = new Simulator();
    sim.addHost(A);
    sim.addHost(B);
    sim.connect(A, B, { delay: 15 }, { delay: 10 });
    const pinger = new Pinger(aAddr, bAddr, 5);
    sim.addEndpoint('pinger', pinger, aAddr);
    sim.addEndpoint('echo', new Echo(), bAddr);
    expect(sim.run().reason).toBe('idle');
    expect(pinger.rtts).toEqual([25, 25, 25, 25, 25]);

    const slow = new Simulator();
    slow.addHost(A);
    slow.addHost(B);
    slow.connect(A, B, { delay: 15, bandwidth: 1000 }, { delay: 10, bandwidth: 1000 }); // 1 byte = 1 ms
    const p2 = new Pinger(aAddr, bAddr, 3);
    slow.addEndpoint('pinger', p2, aAddr);
    slow.addEndpoint('echo', new Echo(), bAddr);
    slow.run();
    expect(p2.rtts).toEqual([27, 27, 27]);
  });
});

interface Transfer {
  readonly sender: WindowSender;
  readonly receiver: WindowReceiver;
  readonly sim: Simulator;
  readonly trace: TraceEvent[];
  readonly chunks: Uint8Array[];
}

function transfer(seed: number, link: LinkConfig, n: number, window: number, rto: number): Transfer {
  const trace: TraceEvent[] = [];
  const sim = new Simulator({ seed, trace: (e) => trace.push(e) });
  sim.addHost(A);
  sim.addHost(B);
  sim.connect(A, B, link);
  const chunks = makeChunks(n, 1000);
  const sender = new WindowSender(aAddr as SocketAddress, bAddr, chunks, window, rto);
  const receiver = new WindowReceiver(n);
  sim.addEndpoint('sender', sender, aAddr);
  sim.addEndpoint('receiver', receiver, bAddr);
  const result = sim.run({ until: () => sender.done, maxTime: 600_000 });
  expect(result.reason).toBe('until');
  return { sender, receiver, sim, trace, chunks };
}

function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.length * 1000);
  chunks.forEach((c, i) => out.set(c, i * 1000));
  return out;
}

describe('stop-and-wait over a lossy link', () => {
  const lossy: LinkConfig = { delay: 10, loss: 0.2 };

  it('completes intact with retransmissions, identically for the same seed', () => {
    const t = transfer(21, lossy, 60, 1, 50);
    expect(t.receiver.complete).toBe(true);
    expect(t.receiver.assembled()).toEqual(concatChunks(t.chunks));
    expect(t.sender.retransmissions).toBeGreaterThan(10);
    // each chunk costs one 20 ms round trip at best; losses cost 50 ms timeouts on top
    expect(t.sender.doneAt).toBeGreaterThan(60 * 20);

    const again = transfer(21, lossy, 60, 1, 50);
    expect(again.sender.doneAt).toBe(t.sender.doneAt);
    expect(again.sender.retransmissions).toBe(t.sender.retransmissions);
    expect(again.trace).toEqual(t.trace);

    const other = transfer(22, lossy, 60, 1, 50);
    expect(other.receiver.assembled()).toEqual(concatChunks(t.chunks));
    expect(other.trace).not.toEqual(t.trace);
  });
});

describe('sliding window through every impairment', () => {
  const rough: LinkConfig = {
    delay: 20,
    jitter: 4,
    bandwidth: 1_000_000,
    queueBytes: 12_000,
    loss: 0.03,
    burstLoss: { pGoodToBad: 0.01, pBadToGood: 0.4 },
    duplicateProbability: 0.02,
    corruptProbability: 0.02,
    reorderProbability: 0.02,
    reorderDelay: 7,
  };

  it('reassembles the data exactly and every corruption is caught by a checksum', () => {
    const t = transfer(5, rough, 300, 24, 120);
    expect(t.receiver.complete).toBe(true);
    expect(t.receiver.assembled()).toEqual(concatChunks(t.chunks));
    const ab = t.sim.linkBetween(A, B)?.stats();
    const ba = t.sim.linkBetween(B, A)?.stats();
    if (ab === undefined || ba === undefined) throw new Error('links missing');
    // single-bit flips always change an FNV-1a hash, and corrupted copies are never dropped afterwards
    expect(t.receiver.checksumFailures + t.sender.checksumFailures).toBe(ab.corrupted + ba.corrupted);
    expect(ab.corrupted).toBeGreaterThan(0);
    expect(ab.duplicated + ba.duplicated).toBeGreaterThan(0);
    expect(t.receiver.duplicates).toBeGreaterThan(0);
    expect(ab.dropped.queue + ab.dropped.loss + ab.dropped.burst).toBeGreaterThan(0);
    expect(ab.deliveredOutOfOrder).toBeGreaterThan(0);
    expect(t.sender.retransmissions).toBeGreaterThan(0);
    const sent = t.sim.endpoints().find((e) => e.name === 'sender')?.stats();
    expect(sent?.sentDatagrams).toBe(ab.sentDatagrams);

    const again = transfer(5, rough, 300, 24, 120);
    expect(again.trace).toEqual(t.trace);
    expect(transfer(6, rough, 300, 24, 120).trace).not.toEqual(t.trace);
  });
});
