/**
 * Graceful shutdown of a listener and of one connection, over loopback: CONNECTION_CLOSE reaches the peers,
 * draining is awaited, stubborn connections are aborted at the deadline, and no socket, timer or immediate is
 * left running afterwards (compared with `process.getActiveResourcesInfo()` before and after).
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '@qk/octets';
import { activeHandles, waitFor } from './fakes/apps.js';
import { FakeConnection } from './fakes/fake-quic.js';
import { clientRouter, connect, startServer } from './fakes/setup.js';

const WATCHED = ['UDPWRAP', 'Timeout', 'Immediate'] as const;
function watched(): Record<string, number> {
  const all = activeHandles();
  return Object.fromEntries(WATCHED.map((k) => [k, all[k] ?? 0]));
}
/** No more sockets, timers or immediates than before (vitest keeps a timer of its own that comes and goes). */
function expectNoLeaks(baseline: Record<string, number>): void {
  const now = watched();
  expect(now['UDPWRAP']).toBe(baseline['UDPWRAP']);
  expect(now['Immediate']).toBe(baseline['Immediate']);
  expect(now['Timeout']).toBeLessThanOrEqual(baseline['Timeout']!);
}

describe('listener shutdown', () => {
  it('closes every connection with CONNECTION_CLOSE, waits for draining, and leaves nothing running', async () => {
    const baseline = watched();
    const server = await startServer();
    const c1 = await clientRouter();
    const c2 = await clientRouter('127.0.0.1');
    const clients = [connect(c1, server.address), connect(c1, server.address), connect(c2, server.address)];
    await waitFor(() => clients.every((c) => c.worker.state === 'established') && server.router.stats().connections === 3, 3000, 'handshakes');
    clients[0]!.app.send(utf8('traffic'));
    await waitFor(() => clients[0]!.app.messages.length === 1, 3000, 'echo');
    expect(server.metrics.connections).toBe(3);

    const summary = await server.router.shutdown({ reason: 'maintenance', deadlineMs: 2000 });
    expect(summary.connections).toBe(3);
    expect(summary.aborted).toBe(0);
    for (const r of summary.results) expect(r).toMatchObject({ kind: 'closed', established: true, close: { errorCode: 0, reason: 'maintenance', fromPeer: false } });
    expect(server.router.isAccepting).toBe(false);
    expect(server.router.stats()).toMatchObject({ connections: 0, mappedConnectionIds: 0 });
    expect(server.metrics.connections).toBe(0);
    expect(server.metrics.closeCodes.get('local:0x0')).toBe(3);
    expect(server.router.socket.isClosing).toBe(true);

    // The clients received the CONNECTION_CLOSE and drained on their own.
    const results = await Promise.all(clients.map((c) => c.worker.closed));
    for (const r of results) expect(r).toMatchObject({ kind: 'closed', close: { reason: 'maintenance', fromPeer: true } });
    expect(clients.every((c) => c.app.log.at(-1) === 'close:closed')).toBe(true);
    await c1.shutdown();
    await c2.shutdown();
    await new Promise((r) => setImmediate(r));
    expectNoLeaks(baseline);
  });

  it('aborts connections that do not drain by the deadline', async () => {
    const baseline = watched();
    const server = await startServer('127.0.0.1', { endpoint: { connection: { stubborn: true } } });
    const client = await clientRouter();
    const c = connect(client, server.address);
    await waitFor(() => server.apps[0]?.info !== undefined, 3000, 'handshake');
    const summary = await server.router.shutdown({ deadlineMs: 50 });
    expect(summary).toMatchObject({ connections: 1, aborted: 1 });
    expect(summary.results[0]).toEqual({ kind: 'aborted', reason: 'shutdown deadline' });
    expect(server.apps[0]!.log.at(-1)).toBe('close:aborted');
    expect(server.metrics.connections).toBe(0);
    await client.shutdown({ deadlineMs: 200 });
    expect(c.app.result?.kind).toBe('closed');
    await new Promise((r) => setImmediate(r));
    expectNoLeaks(baseline);
  });

  it('is idempotent, and refuses new workers afterwards', async () => {
    const server = await startServer();
    const p1 = server.router.shutdown();
    const p2 = server.router.shutdown();
    expect(p1).toBe(p2);
    await p1;
    const conn = FakeConnection.connect({ local: server.address, remote: server.address });
    expect(() => server.router.spawn(conn, {
      onConnEstablished() {}, shouldAct: () => true, processReads() {}, processWrites() {}, onConnClose() {},
    })).toThrow(/shut down/);
  });
});

describe('connection shutdown', () => {
  it('closes one connection gracefully; the listener and the other connections carry on', async () => {
    const baseline = watched();
    const server = await startServer();
    const client = await clientRouter();
    const a = connect(client, server.address);
    const b = connect(client, server.address);
    await waitFor(() => a.worker.state === 'established' && b.worker.state === 'established', 3000, 'handshakes');
    const result = await a.worker.shutdown({ errorCode: 0x10c, reason: 'done', application: true, deadlineMs: 1000 });
    expect(result).toMatchObject({ kind: 'closed', close: { errorCode: 0x10c, application: true, fromPeer: false } });
    expect(a.conn.closeCalls[0]).toEqual({ errorCode: 0x10c, reason: 'done', options: { application: true } });
    await waitFor(() => server.router.stats().connections === 1, 3000, 'server side drained');
    expect(server.metrics.closeCodes.get('peer:app:0x10c')).toBe(1);
    expect(client.stats().connections).toBe(1);
    b.app.send(utf8('still fine'));
    await waitFor(() => b.app.messages.length === 1, 3000, 'other connection');
    await server.router.shutdown({ deadlineMs: 500 });
    await client.shutdown({ deadlineMs: 500 });
    await new Promise((r) => setImmediate(r));
    expectNoLeaks(baseline);
  });
});
