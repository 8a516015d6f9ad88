/**
 * The IoWorker loop over loopback with fake connections: hook order, one timer re-armed only when the deadline
 * changes, pacing release times honoured, batching and yielding per turn, application and transport failures,
 * the handshake timeout, and migration to a new local socket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TransportErrorCode } from '@qk/quic-core';
import { utf8, fromUtf8 } from '@qk/octets';
import { RecordingApp, rawPeer, waitFor } from './fakes/apps.js';
import type { RawPeer } from './fakes/apps.js';
import { clientRouter, connect, startServer } from './fakes/setup.js';
import type { FakeRouter, TestClient } from './fakes/setup.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function track<T extends FakeRouter | RawPeer>(x: T): T {
  cleanups.push(() => ('shutdown' in x ? x.shutdown({ deadlineMs: 200 }) : x.close()));
  return x;
}
const nextCheck = () => new Promise<void>((r) => setImmediate(r));

async function established(options: Parameters<typeof connect>[2] = {}, serverOptions: Parameters<typeof startServer>[1] = {}) {
  const server = await startServer('127.0.0.1', serverOptions);
  track(server.router);
  const client = track(await clientRouter());
  const c = connect(client, server.address, options);
  await waitFor(() => c.worker.state === 'established' && server.apps[0]?.info !== undefined, 3000, 'handshake');
  return { server, client, c };
}

describe('loop order and hooks', () => {
  it('calls onConnEstablished first, then reads (only when datagrams arrived) before writes', async () => {
    const { server, c } = await established();
    const sapp = server.apps[0]!;
    expect(c.app.log[0]).toBe('established');
    expect(sapp.log[0]).toBe('established');
    // A wake with nothing received: the app writes but does not read.
    const before = c.app.log.length;
    c.app.info!.wake();
    await nextCheck();
    expect(c.app.log.slice(before)).toEqual(['writes']);
    // A datagram arrives: reads, then writes, in the same turn.
    c.app.send(utf8('ping'));
    await waitFor(() => c.app.messages.length === 1, 3000, 'echo');
    for (let i = 0; i < sapp.log.length; i++) if (sapp.log[i] === 'reads') expect(sapp.log[i + 1]).toBe('writes');
    // The server's connection was fed the datagram before it produced the echo.
    const log = server.endpoint.accepted[0]!.log;
    expect(log.lastIndexOf('handleDatagram')).toBeLessThan(log.lastIndexOf('pollTransmit'));
    // Events are handed to processReads in order, including the ones the worker acted on.
    expect(c.app.eventKinds).toEqual(['handshakeCompleted', 'dataReceived']);
  });

  it('does not call read or write hooks while shouldAct() is false', async () => {
    const { c } = await established();
    c.app.acting = false;
    const before = c.app.log.length;
    c.app.info!.wake();
    await nextCheck();
    expect(c.app.log.length).toBe(before);
  });
});

describe('timers', () => {
  it('fires the transport timer at its deadline and re-arms only when the deadline changes', async () => {
    const { c } = await established();
    const arms0 = c.worker.stats().timerArms;
    const at = performance.now() + 40;
    c.conn.scheduleTimer(at);
    c.app.info!.wake();
    await nextCheck();
    expect(c.worker.stats().timerArms).toBe(arms0 + 1);
    for (let i = 0; i < 5; i++) {
      c.app.info!.wake();
      await nextCheck();
    }
    expect(c.worker.stats().timerArms).toBe(arms0 + 1); // same deadline: not re-armed
    await waitFor(() => c.app.eventKinds.includes('timerFired'), 3000, 'timer');
    expect(c.conn.timeoutCalls.length).toBeGreaterThanOrEqual(1);
    expect(c.conn.timeoutCalls.at(-1)!).toBeGreaterThanOrEqual(at);
    expect(c.worker.stats().timerFires).toBeGreaterThanOrEqual(1);
    // An earlier deadline replaces the armed one.
    const later = performance.now() + 10_000;
    c.conn.scheduleTimer(later);
    c.app.info!.wake();
    await nextCheck();
    const arms1 = c.worker.stats().timerArms;
    const sooner = performance.now() + 20;
    c.conn.scheduleTimer(sooner);
    c.app.info!.wake();
    await nextCheck();
    expect(c.worker.stats().timerArms).toBe(arms1 + 1);
    await waitFor(() => c.app.eventKinds.filter((k) => k === 'timerFired').length === 2, 3000, 'second timer');
  });
});

describe('pacing and batching', () => {
  it('holds paced datagrams until their release time and polls nothing meanwhile', async () => {
    const { client, c } = await established({ connection: { pacingIntervalMs: 15 }, worker: { pacingSlackMs: 1 } });
    const sends: { at: number; len: number }[] = [];
    const socket = client.socket;
    const original = socket.send.bind(socket);
    socket.send = (data, remote) => {
      sends.push({ at: performance.now(), len: data.length });
      return original(data, remote);
    };
    const releases: number[] = [];
    const poll = c.conn.pollTransmit.bind(c.conn);
    let polled = 0;
    c.conn.pollTransmit = (now) => {
      const t = poll(now);
      if (t !== undefined) {
        polled++;
        releases.push(t.releaseTime!);
      }
      return t;
    };
    for (let i = 0; i < 5; i++) c.app.send(utf8(`m${i}`));
    await waitFor(() => c.app.messages.length === 5, 3000, 'paced echoes');
    expect(sends).toHaveLength(5);
    expect(polled).toBe(5); // each datagram polled once: a held one is not polled again
    for (let i = 0; i < 5; i++) expect(sends[i]!.at).toBeGreaterThanOrEqual(releases[i]! - 1);
    expect(c.worker.stats().pacedHolds).toBeGreaterThanOrEqual(3);
  });

  it('batches a turn into one flush and yields after maxDatagramsPerTurn', async () => {
    const { client, c } = await established({ worker: { maxDatagramsPerTurn: 4 } });
    const flushes0 = client.socket.stats().flushes;
    const yields0 = c.worker.stats().yields;
    for (let i = 0; i < 10; i++) c.app.send(utf8(`b${i}`));
    await waitFor(() => c.app.messages.length === 10, 3000, 'echoes');
    expect(client.socket.stats().flushes - flushes0).toBe(3); // 4 + 4 + 2
    expect(c.worker.stats().yields - yields0).toBeGreaterThanOrEqual(2);
    expect(c.app.messages.map((m) => fromUtf8(m)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`).sort());
  });
});

describe('failures', () => {
  it('closes with INTERNAL_ERROR when an application hook throws', async () => {
    const { server, c } = await established({}, { app: { echo: true, throwIn: 'processReads' } });
    c.app.send(utf8('trigger'));
    await waitFor(() => server.apps[0]!.result !== undefined && c.app.result !== undefined, 3000, 'both closed');
    const s = server.apps[0]!.result!;
    expect(s.kind).toBe('closed');
    if (s.kind !== 'closed') return;
    expect(s.close).toMatchObject({ errorCode: TransportErrorCode.INTERNAL_ERROR, fromPeer: false });
    expect((s.applicationError as Error).message).toBe('boom in reads');
    const r = c.app.result!;
    expect(r.kind === 'closed' && r.close).toMatchObject({ errorCode: TransportErrorCode.INTERNAL_ERROR, fromPeer: true });
    expect(server.metrics.closeCodes.get('local:0x1')).toBe(1);
  });

  it('stops at once with `failed` when the transport throws', async () => {
    const server = await startServer('127.0.0.1', { endpoint: { connection: { throwOnDatagram: true } } });
    track(server.router);
    const client = track(await clientRouter());
    connect(client, server.address);
    // The server connection consumed the Initial in accept; the client's FINISHED makes it throw.
    await waitFor(() => server.apps[0]?.result !== undefined, 3000, 'server failed');
    const r = server.apps[0]!.result!;
    expect(r.kind).toBe('failed');
    expect(server.router.stats().connections).toBe(0);
    expect(server.router.stats().mappedConnectionIds).toBe(0);
  });

  it('gives up a handshake after handshakeTimeoutMs', async () => {
    const silent = track(await rawPeer());
    const client = track(await clientRouter());
    const c: TestClient = connect(client, silent.address, { worker: { handshakeTimeoutMs: 30 }, connection: { drainMs: 5 } });
    const result = await c.worker.closed;
    expect(result.kind).toBe('handshakeTimedOut');
    expect(c.app.log).toEqual(['close:handshakeTimedOut']);
    expect(c.conn.closeCalls[0]?.reason).toBe('handshake timeout');
    expect(silent.received.length).toBeGreaterThanOrEqual(1); // the Initial went out
    expect(client.stats().connections).toBe(0);
  });
});

describe('migration', () => {
  it('moves a client connection to a new local socket; the server follows by connection ID', async () => {
    const { server, client, c } = await established();
    const next = track(await clientRouter());
    c.worker.migrate(next);
    expect(c.conn.migrations).toEqual([next.localAddress]);
    c.app.send(utf8('from the new socket'));
    await waitFor(() => c.app.messages.length === 1, 3000, 'echo on the new path');
    const sconn = server.endpoint.accepted[0]!;
    expect(sconn.currentPath.remote.port).toBe(next.localAddress.port);
    expect(next.stats().datagramsRouted).toBeGreaterThanOrEqual(1);
    // Both sockets route the connection until the old one is detached.
    const cid = c.conn.sourceConnectionIds()[0]!;
    expect(client.lookup(cid)).toBe(c.worker);
    expect(next.lookup(cid)).toBe(c.worker);
    c.worker.detach(client);
    expect(client.lookup(cid)).toBeUndefined();
    expect(client.stats().connections).toBe(0);
    expect(c.worker.host).toBe(next);
  });
});
