/**
 * UdpSocket: IPv4, IPv6 and dual-stack binds on port 0, one flush per task, write errors (retried or dropped and
 * counted, never lost silently), backpressure that stops workers from polling their connections, and close.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { utf8 } from '@qk/octets';
import { CountingMetrics, InboundPacketRouter, UdpSocket, classifyWriteError } from '../src/index.js';
import type { RawUdpSocket } from '../src/index.js';
import { rawPeer, waitFor } from './fakes/apps.js';
import type { RawPeer } from './fakes/apps.js';
import { connect, startServer } from './fakes/setup.js';
import type { FakeRouter } from './fakes/setup.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function track<T extends { close(): Promise<void> } | RawPeer>(x: T): T {
  cleanups.push(() => x.close());
  return x;
}

interface TestRaw {
  readonly raw: RawUdpSocket;
  /** Sends attempted through the raw socket. */
  sends(): number;
  /** While true, sends are held as libuv holds them after EAGAIN (they count in getSendQueueCount). */
  hold: boolean;
  /** Completes the held sends, as libuv does once the kernel has room. */
  release(): void;
}

/** A bound node:dgram socket whose sends fail with `codes` (in order) before behaving normally, or are held. */
async function testRaw(codes: string[] = []): Promise<TestRaw> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  let sends = 0;
  const held: (() => void)[] = [];
  const t: TestRaw = {
    hold: false,
    sends: () => sends,
    release() {
      this.hold = false;
      for (const h of held.splice(0)) h();
    },
    raw: {
      send(msg, port, address, callback) {
        sends++;
        const code = codes.shift();
        if (code !== undefined) {
          process.nextTick(callback, Object.assign(new Error(code), { code }), 0);
          return;
        }
        if (t.hold) held.push(() => sock.send(msg, port, address, callback));
        else sock.send(msg, port, address, callback);
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      on: ((event: string, listener: (...args: any[]) => void) => sock.on(event, listener)) as RawUdpSocket['on'],
      close: (cb?: () => void) => sock.close(cb),
      address: () => sock.address(),
      getSendQueueCount: () => held.length + sock.getSendQueueCount(),
    },
  };
  return t;
}

describe('binding and sending', () => {
  it.each([['127.0.0.1'], ['::1']])('binds %s on port 0 and delivers a batch in one flush', async (host) => {
    const socket = track(await UdpSocket.bind({ address: host }));
    expect(socket.localAddress.port).toBeGreaterThan(0);
    expect(socket.family).toBe(host.includes(':') ? 'IPv6' : 'IPv4');
    const peer = track(await rawPeer(host));
    for (let i = 0; i < 20; i++) socket.send(utf8(`d${i}`), peer.address);
    expect(socket.stats().queued).toBe(20); // nothing leaves before the task ends
    await waitFor(() => peer.received.length === 20, 3000, 'batch');
    expect(socket.stats().flushes).toBe(1);
    expect(socket.stats().datagramsSent).toBe(20);
    expect(peer.received.map((r) => new TextDecoder().decode(r.data))).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`));
  });

  it('receives with the sender address and hands out plain Uint8Array views', async () => {
    const socket = track(await UdpSocket.bind());
    const got: { data: Uint8Array; port: number }[] = [];
    socket.setReceiver((data, from) => got.push({ data, port: from.port }));
    const peer = track(await rawPeer());
    await peer.send(utf8('hello'), socket.localAddress);
    await waitFor(() => got.length === 1, 3000, 'receive');
    expect(Object.getPrototypeOf(got[0]!.data)).toBe(Uint8Array.prototype);
    expect(got[0]!.port).toBe(peer.address.port);
    expect(socket.stats().datagramsReceived).toBe(1);
  });

  it('dual-stack: an IPv6 wildcard socket talks to IPv4 peers (mapped addresses)', async () => {
    const socket = track(await UdpSocket.bind({ address: '::', dualStack: true }));
    const from: string[] = [];
    socket.setReceiver((_d, f) => from.push(f.address));
    const peer = track(await rawPeer('127.0.0.1'));
    await peer.send(utf8('v4'), { address: '127.0.0.1', port: socket.localAddress.port });
    await waitFor(() => from.length === 1, 3000, 'v4 datagram');
    expect(from[0]).toBe('::ffff:127.0.0.1');
    socket.send(utf8('plain v4 destination'), peer.address); // '127.0.0.1' is mapped on send
    await waitFor(() => peer.received.length === 1, 3000, 'reply');
    expect(socket.stats().sendErrors).toBe(0);
  });

  it('rejects a bind on a port in use', async () => {
    const a = track(await UdpSocket.bind());
    await expect(UdpSocket.bind({ port: a.localAddress.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('write errors', () => {
  it('retries EAGAIN / ENOBUFS with backoff and loses nothing', async () => {
    const f = await testRaw(['ENOBUFS', 'EAGAIN', 'ENOBUFS']);
    const metrics = new CountingMetrics();
    const socket = track(new UdpSocket(f.raw, { metrics }));
    const peer = track(await rawPeer());
    for (let i = 0; i < 5; i++) socket.send(utf8(`r${i}`), peer.address);
    await waitFor(() => peer.received.length === 5, 3000, 'all datagrams despite errors');
    expect(new Set(peer.received.map((r) => new TextDecoder().decode(r.data)))).toEqual(new Set(['r0', 'r1', 'r2', 'r3', 'r4']));
    expect(socket.stats()).toMatchObject({ sendErrors: 3, retries: 3, sendDrops: 0, datagramsSent: 5 });
    expect(metrics.writeErrors.noBuffers).toBe(2);
    expect(metrics.writeErrors.wouldBlock).toBe(1);
    expect(metrics.writeRetries).toBe(3);
  });

  it('drops a datagram after maxSendAttempts and counts it', async () => {
    const f = await testRaw(['ENOBUFS', 'ENOBUFS', 'ENOBUFS']);
    const socket = track(new UdpSocket(f.raw, { maxSendAttempts: 3 }));
    const peer = track(await rawPeer());
    socket.send(utf8('doomed'), peer.address);
    await waitFor(() => socket.stats().sendDrops === 1, 3000, 'drop');
    expect(f.sends()).toBe(3);
    expect(socket.stats().retries).toBe(2);
  });

  it('drops non-retryable errors (EMSGSIZE from the kernel) and counts them', async () => {
    const metrics = new CountingMetrics();
    const socket = track(await UdpSocket.bind({ metrics }));
    const peer = track(await rawPeer());
    socket.send(new Uint8Array(70_000), peer.address);
    socket.send(utf8('small'), peer.address);
    await waitFor(() => peer.received.length === 1 && socket.stats().sendDrops === 1, 3000, 'outcomes');
    expect(metrics.writeErrors.messageTooBig).toBe(1);
    expect(socket.stats().retries).toBe(0);
  });

  it('classifies errno codes', () => {
    expect(classifyWriteError('EAGAIN')).toEqual({ kind: 'wouldBlock', retry: true });
    expect(classifyWriteError('ENOBUFS')).toEqual({ kind: 'noBuffers', retry: true });
    expect(classifyWriteError('EMSGSIZE')).toEqual({ kind: 'messageTooBig', retry: false });
    expect(classifyWriteError('EHOSTUNREACH')).toEqual({ kind: 'unreachable', retry: false });
    expect(classifyWriteError(undefined)).toEqual({ kind: 'other', retry: false });
  });

  it('a worker on a failing socket keeps its connection: the handshake and echo complete', async () => {
    const server = await startServer();
    cleanups.push(() => server.router.shutdown({ deadlineMs: 200 }));
    const f = await testRaw(['ENOBUFS', 'ENOBUFS', 'EAGAIN', 'ENOBUFS']);
    const client = new InboundPacketRouter({ socket: new UdpSocket(f.raw), localCidLength: 8 }) as FakeRouter;
    cleanups.push(() => client.shutdown({ deadlineMs: 200 }));
    const c = connect(client, server.address);
    await waitFor(() => c.worker.state === 'established', 3000, 'handshake through write errors');
    c.app.send(utf8('x'));
    await waitFor(() => c.app.messages.length === 1, 3000, 'echo');
    expect(client.socket.stats().retries).toBe(4);
  });
});

describe('backpressure', () => {
  it('turns unwritable while libuv queues sends, and resumes when they complete', async () => {
    const f = await testRaw();
    const socket = track(new UdpSocket(f.raw, { kernelQueueHighWater: 4 }));
    const peer = track(await rawPeer());
    f.hold = true; // the kernel said EAGAIN: libuv queues
    for (let i = 0; i < 10; i++) socket.send(utf8(`p${i}`), peer.address);
    socket.flush();
    expect(f.sends()).toBe(4); // up to the high-water mark, the rest stays queued here
    expect(socket.writable).toBe(false);
    expect(socket.stats().queued).toBe(6);
    let woken = 0;
    socket.whenWritable(() => woken++);
    await new Promise((r) => setTimeout(r, 5));
    expect(woken).toBe(0);
    f.release();
    await waitFor(() => peer.received.length === 10, 3000, 'resumed');
    expect(woken).toBe(1);
    expect(socket.writable).toBe(true);
    expect(new Set(peer.received.map((r) => new TextDecoder().decode(r.data))).size).toBe(10);
  });

  it('refuses sends beyond maxQueuedDatagrams and counts them', async () => {
    const socket = track(await UdpSocket.bind({ maxQueuedDatagrams: 3 }));
    const peer = track(await rawPeer());
    const accepted = [0, 1, 2, 3, 4].map((i) => socket.send(utf8(`q${i}`), peer.address));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(socket.writable).toBe(false);
    expect(socket.stats().sendDrops).toBe(2);
    await waitFor(() => peer.received.length === 3, 3000, 'queued ones');
    expect(socket.writable).toBe(true);
  });

  it('a worker stops pulling datagrams from its connection while the socket is busy', async () => {
    const server = await startServer();
    cleanups.push(() => server.router.shutdown({ deadlineMs: 200 }));
    const f = await testRaw();
    const client = new InboundPacketRouter({ socket: new UdpSocket(f.raw, { kernelQueueHighWater: 1 }), localCidLength: 8 }) as FakeRouter;
    cleanups.push(() => client.shutdown({ deadlineMs: 200 }));
    const c = connect(client, server.address);
    await waitFor(() => c.worker.state === 'established', 3000, 'handshake');
    const polls = () => c.conn.log.filter((l) => l === 'pollTransmit').length;
    f.hold = true;
    c.app.send(utf8('a')); // handed to libuv, which holds it
    await waitFor(() => polls() >= 1 + 2, 3000, 'a polled'); // Initial + FINISHED + a
    c.app.send(utf8('b')); // polled, then stuck in the socket's queue: the socket turns busy
    await new Promise((r) => setTimeout(r, 10));
    c.app.send(utf8('c')); // not polled: the worker waits for writability
    await new Promise((r) => setTimeout(r, 10));
    expect(client.socket.writable).toBe(false);
    expect(polls()).toBe(4);
    f.release();
    await waitFor(() => c.app.messages.length === 3, 3000, 'all echoes after the socket drained');
    expect(polls()).toBe(5);
  });
});

describe('close', () => {
  it('flushes what is queued, closes once, and refuses sends afterwards', async () => {
    const socket = await UdpSocket.bind();
    const peer = track(await rawPeer());
    socket.send(utf8('last words'), peer.address);
    const p1 = socket.close();
    const p2 = socket.close();
    expect(p1).toBe(p2);
    await p1;
    await waitFor(() => peer.received.length === 1, 3000, 'flushed before close');
    expect(socket.send(utf8('too late'), peer.address)).toBe(false);
    expect(socket.writable).toBe(false);
  });
});
