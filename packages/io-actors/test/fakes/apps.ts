/** Test applications on the fake transport, and small helpers shared by the tests. */
import dgram from 'node:dgram';
import type { ApplicationHooks, ConnectionResult, HandshakeInfo, SocketAddress } from '../../src/index.js';
import type { FakeConnection, FakeEvent } from './fake-quic.js';

/** Records every hook call; optionally echoes data back, sends queued messages, or throws. */
export class RecordingApp implements ApplicationHooks<FakeConnection, FakeEvent> {
  readonly log: string[] = [];
  readonly messages: Uint8Array[] = [];
  readonly eventKinds: string[] = [];
  info: HandshakeInfo | undefined;
  result: ConnectionResult | undefined;
  acting = true;
  private readonly outbox: Uint8Array[] = [];

  constructor(readonly options: { echo?: boolean; throwIn?: 'processReads' | 'processWrites' | 'onConnEstablished' } = {}) {}

  /** Queues a message; it leaves on the next processWrites (after `wake`). */
  send(data: Uint8Array): void {
    this.outbox.push(data);
    this.info?.wake();
  }

  onConnEstablished(_conn: FakeConnection, info: HandshakeInfo): void {
    this.log.push('established');
    this.info = info;
    if (this.options.throwIn === 'onConnEstablished') throw new Error('boom');
  }
  shouldAct(): boolean {
    return this.acting;
  }
  processReads(conn: FakeConnection, events: readonly FakeEvent[]): void {
    this.log.push('reads');
    for (const e of events) {
      this.eventKinds.push(e.kind);
      if (e.kind === 'dataReceived') {
        this.messages.push(e.data);
        if (this.options.echo) conn.send(e.data);
      }
    }
    if (this.options.throwIn === 'processReads' && this.messages.length > 0) throw new Error('boom in reads');
  }
  processWrites(conn: FakeConnection): void {
    this.log.push('writes');
    if (this.options.throwIn === 'processWrites') throw new Error('boom in writes');
    for (let m = this.outbox.shift(); m !== undefined; m = this.outbox.shift()) conn.send(m);
  }
  onConnClose(_conn: FakeConnection, result: ConnectionResult): void {
    this.log.push(`close:${result.kind}`);
    this.result = result;
  }
}

/**
 * Polls `predicate` every few ms until it holds; rejects after `timeoutMs` (a bound on a hang, not a timing
 * assertion).
 */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A plain dgram socket for sending raw bytes and collecting what comes back. */
export interface RawPeer {
  readonly address: SocketAddress;
  readonly received: { data: Uint8Array; from: SocketAddress; at: number }[];
  send(data: Uint8Array, to: SocketAddress): Promise<void>;
  close(): Promise<void>;
}

export function rawPeer(host = '127.0.0.1'): Promise<RawPeer> {
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const received: RawPeer['received'] = [];
  sock.on('message', (msg, rinfo) => received.push({ data: new Uint8Array(msg), from: { address: rinfo.address, port: rinfo.port }, at: performance.now() }));
  return new Promise((resolve) => {
    sock.bind(0, host, () => {
      const a = sock.address();
      resolve({
        address: { address: a.address, port: a.port },
        received,
        send: (data, to) => new Promise((res, rej) => sock.send(data, to.port, to.address, (e) => (e ? rej(e) : res()))),
        close: () => new Promise((res) => sock.close(() => res())),
      });
    });
  });
}

/** Counts of the handle types that matter for leaks. */
export function activeHandles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}
