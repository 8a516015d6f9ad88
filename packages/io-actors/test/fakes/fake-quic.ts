/**
 * A fake sans-io transport for testing the I/O actors without quic-core's Connection: QUIC-shaped headers (so the
 * router's real `peekDatagram` reads them) around a tiny TLV framing. No crypto, no reliability: loopback is
 * enough. It follows the verb families of QuicConnectionLike exactly and logs its inputs and outputs.
 *
 * Long header: 0xc0 | type << 4, version 1 (4 bytes), DCID len + DCID, SCID len + SCID, frames.
 *   type 0 = Initial (client, padded to 1200), 2 = Handshake (server reply), 3 = Retry.
 * Short header: 0x40, DCID (8 bytes), frames.
 * Frame: type (1 byte), varint length, body. Type 0 is padding and ends the packet.
 */
import { Reader, Writer, equal, fromUtf8, utf8 } from '@qk/octets';
import { encodeVersionNegotiation, peekDatagram } from '@qk/quic-core';
import type {
  AcceptOutcome, CloseOptions, EndpointLike, Path, QuicConnectionLike, SocketAddress, Transmit, UnknownDatagramDecision,
} from '../../src/index.js';

export const CID_LENGTH = 8;

export const Frame = { HELLO: 1, HELLO_ACK: 2, FINISHED: 3, DATA: 4, NEW_CID: 5, RETIRE_CID: 6, CLOSE: 7, PING: 8 } as const;

export type FakeEvent =
  | { readonly kind: 'handshakeCompleted' }
  | { readonly kind: 'connectionIdIssued'; readonly connectionId: Uint8Array }
  | { readonly kind: 'connectionIdRetired'; readonly connectionId: Uint8Array }
  | { readonly kind: 'connectionClosed'; readonly errorCode: number; readonly reason: string; readonly application: boolean; readonly fromPeer: boolean }
  | { readonly kind: 'dataReceived'; readonly data: Uint8Array }
  | { readonly kind: 'timerFired'; readonly at: number; readonly now: number };

let counter = 1;
/** Distinct, recognisable 8-byte connection IDs. */
export function newCid(tag = 0xc1): Uint8Array {
  const cid = new Uint8Array(CID_LENGTH);
  cid[0] = tag;
  new DataView(cid.buffer).setUint32(4, counter++);
  return cid;
}

function frames(list: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const w = new Writer();
  for (const [type, body] of list) w.writeU8(type).writeVarintBytes(body);
  return w.finish();
}

export function longPacket(type: number, dcid: Uint8Array, scid: Uint8Array, payload: Uint8Array, padTo = 0, version = 1): Uint8Array {
  const w = new Writer();
  w.writeU8(0xc0 | (type << 4)).writeU32(version).writeU8Bytes(dcid).writeU8Bytes(scid).writeBytes(payload);
  if (w.length < padTo) w.fill(padTo - w.length);
  return w.finish();
}

export function shortPacket(dcid: Uint8Array, payload: Uint8Array): Uint8Array {
  return new Writer().writeU8(0x40).writeBytes(dcid).writeBytes(payload).finish();
}

/** A client Initial (HELLO carrying `token`), padded to 1200 bytes. */
export function initialPacket(dcid: Uint8Array, scid: Uint8Array, token: Uint8Array = new Uint8Array(0)): Uint8Array {
  return longPacket(0, dcid, scid, frames([[Frame.HELLO, token]]), 1200);
}

interface Parsed {
  readonly long: boolean;
  readonly type: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  readonly frames: [number, Uint8Array][];
}

export function parsePacket(data: Uint8Array): Parsed | undefined {
  try {
    const r = new Reader(data);
    const first = r.readU8();
    let dcid: Uint8Array;
    let scid: Uint8Array = new Uint8Array(0);
    const long = (first & 0x80) !== 0;
    if (long) {
      if (r.readU32() !== 1) return undefined;
      dcid = r.readU8Bytes();
      scid = r.readU8Bytes();
    } else {
      dcid = r.readBytes(CID_LENGTH);
    }
    const list: [number, Uint8Array][] = [];
    while (r.remaining > 0) {
      const type = r.readU8();
      if (type === 0) break;
      list.push([type, r.readVarintBytes()]);
    }
    return { long, type: (first >> 4) & 0x03, dcid, scid, frames: list };
  } catch {
    return undefined;
  }
}

export interface FakeConnectionOptions {
  readonly role: 'client' | 'server';
  readonly localCid: Uint8Array;
  readonly peerCid: Uint8Array;
  readonly path: Path;
  /** Spacing of release times; undefined: no pacing. */
  readonly pacingIntervalMs?: number;
  /** Closing / draining period. Default 20 ms. */
  readonly drainMs?: number;
  /** Client: switch to a NEW_CID from the server at once and retire the old one. */
  readonly switchToNewCid?: boolean;
  /** Ignore close(): the connection never drains (for abort tests). */
  readonly stubborn?: boolean;
  /** Throw from handleDatagram (a transport bug). */
  readonly throwOnDatagram?: boolean;
}

/** The fake connection. `log` records inputs and non-empty outputs, in order. */
export class FakeConnection implements QuicConnectionLike<FakeEvent> {
  readonly log: string[] = [];
  readonly received: Uint8Array[] = [];
  readonly closeCalls: { errorCode: number; reason: string; options: CloseOptions | undefined }[] = [];
  readonly timeoutCalls: number[] = [];
  readonly migrations: SocketAddress[] = [];
  private readonly localCids: Uint8Array[];
  private peerCid: Uint8Array;
  private local: SocketAddress;
  private remote: SocketAddress;
  private readonly out: Uint8Array[] = [];
  private readonly events: FakeEvent[] = [];
  private readonly timers: number[] = [];
  private established = false;
  private state: 'open' | 'closing' | 'draining' | 'closed' = 'open';
  private closeDeadline: number | undefined;
  private nextRelease = 0;
  private lastNow = 0;
  private initialToken: Uint8Array = new Uint8Array(0);

  constructor(readonly options: FakeConnectionOptions) {
    this.localCids = [options.localCid];
    this.peerCid = options.peerCid;
    this.local = options.path.local;
    this.remote = options.path.remote;
  }

  /** A client: queues its Initial. */
  static connect(path: Path, extra: Partial<FakeConnectionOptions> = {}): FakeConnection {
    const c = new FakeConnection({ role: 'client', localCid: newCid(0xc1), peerCid: newCid(0xd1), path, ...extra });
    c.queueInitial();
    return c;
  }

  /** A server, from a client Initial (consumed here). */
  static accept(datagram: Uint8Array, path: Path, now: number, extra: Partial<FakeConnectionOptions> = {}): FakeConnection | undefined {
    const p = parsePacket(datagram);
    if (p === undefined || !p.long || p.type !== 0) return undefined;
    const c = new FakeConnection({ role: 'server', localCid: newCid(0x5e), peerCid: p.scid, path, ...extra });
    c.lastNow = now;
    c.out.push(longPacket(2, p.scid, c.localCids[0]!, frames([[Frame.HELLO_ACK, new Uint8Array(0)]])));
    return c;
  }

  get peerConnectionId(): Uint8Array {
    return this.peerCid;
  }

  get currentPath(): Path {
    return { local: this.local, remote: this.remote };
  }

  // Getters
  isEstablished(): boolean {
    return this.established;
  }
  isClosed(): boolean {
    return this.state === 'closed';
  }
  sourceConnectionIds(): readonly Uint8Array[] {
    return this.localCids;
  }

  // Inputs
  handleDatagram(data: Uint8Array, path: Path, now: number): void {
    this.lastNow = now;
    this.log.push('handleDatagram');
    if (this.options.throwOnDatagram) throw new Error('transport bug');
    if (this.state !== 'open') return;
    if (isFakeReset(data)) {
      this.events.push({ kind: 'connectionClosed', errorCode: 0, reason: 'stateless reset', application: false, fromPeer: true });
      this.state = 'draining';
      this.closeDeadline = now + (this.options.drainMs ?? 20);
      this.out.length = 0;
      return;
    }
    const p = parsePacket(data);
    if (p === undefined) return;
    this.local = path.local;
    this.remote = path.remote;
    if (p.long && p.type === 3 && this.options.role === 'client' && !this.established) {
      // Retry: the token is the first frame's body; the new DCID is the Retry's SCID.
      this.peerCid = p.scid;
      this.initialToken = p.frames[0]?.[1] ?? new Uint8Array(0);
      this.out.length = 0;
      this.queueInitial();
      return;
    }
    for (const [type, body] of p.frames) {
      switch (type) {
        case Frame.HELLO_ACK:
          if (this.options.role === 'client' && !this.established) {
            this.peerCid = p.scid;
            this.established = true;
            this.events.push({ kind: 'handshakeCompleted' });
            this.out.push(shortPacket(this.peerCid, frames([[Frame.FINISHED, new Uint8Array(0)]])));
          }
          break;
        case Frame.FINISHED:
          if (this.options.role === 'server' && !this.established) {
            this.established = true;
            this.events.push({ kind: 'handshakeCompleted' });
          }
          break;
        case Frame.DATA:
          this.received.push(body.slice());
          this.events.push({ kind: 'dataReceived', data: body.slice() });
          break;
        case Frame.NEW_CID:
          if (this.options.switchToNewCid) {
            const old = this.peerCid;
            this.peerCid = body.slice();
            this.out.push(shortPacket(this.peerCid, frames([[Frame.RETIRE_CID, old]])));
          }
          break;
        case Frame.RETIRE_CID: {
          const i = this.localCids.findIndex((c) => equal(c, body));
          if (i >= 0) {
            this.localCids.splice(i, 1);
            this.events.push({ kind: 'connectionIdRetired', connectionId: body.slice() });
          }
          break;
        }
        case Frame.CLOSE: {
          const r = new Reader(body);
          const errorCode = r.readU16();
          const application = r.readU8() === 1;
          this.events.push({ kind: 'connectionClosed', errorCode, reason: fromUtf8(r.rest()), application, fromPeer: true });
          this.state = 'draining';
          this.closeDeadline = now + (this.options.drainMs ?? 20);
          this.out.length = 0;
          return;
        }
        default:
          break;
      }
    }
  }

  handleTimeout(now: number): void {
    this.lastNow = now;
    this.log.push('handleTimeout');
    this.timeoutCalls.push(now);
    if (this.closeDeadline !== undefined && now >= this.closeDeadline) {
      this.state = 'closed';
      this.closeDeadline = undefined;
      this.out.length = 0;
    }
    for (let i = this.timers.length - 1; i >= 0; i--) {
      const at = this.timers[i]!;
      if (now >= at) {
        this.timers.splice(i, 1);
        this.events.push({ kind: 'timerFired', at, now });
      }
    }
  }

  // Commands
  send(data: Uint8Array): void {
    this.out.push(shortPacket(this.peerCid, frames([[Frame.DATA, data]])));
  }
  /** Issues a new local CID to the peer (connectionIdIssued). */
  issueConnectionId(): Uint8Array {
    const cid = newCid(0x7a);
    this.localCids.push(cid);
    this.events.push({ kind: 'connectionIdIssued', connectionId: cid });
    this.out.push(shortPacket(this.peerCid, frames([[Frame.NEW_CID, cid]])));
    return cid;
  }
  scheduleTimer(at: number): void {
    this.timers.push(at);
  }
  close(errorCode: number, reason: string, options?: CloseOptions): void {
    this.closeCalls.push({ errorCode, reason, options });
    if (this.options.stubborn || this.state !== 'open') return;
    const body = new Writer().writeU16(errorCode).writeU8(options?.application ? 1 : 0).writeBytes(utf8(reason)).finish();
    const packet = shortPacket(this.peerCid, frames([[Frame.CLOSE, body]]));
    this.out.length = 0;
    this.out.push(packet);
    this.state = 'closing';
    this.closeDeadline = this.lastNow + (this.options.drainMs ?? 20);
    this.events.push({ kind: 'connectionClosed', errorCode, reason, application: options?.application ?? false, fromPeer: false });
  }
  migrateTo(local: SocketAddress, now: number): void {
    this.lastNow = now;
    this.migrations.push(local);
    this.local = local;
    this.out.push(shortPacket(this.peerCid, frames([[Frame.PING, new Uint8Array(0)]])));
  }

  // Outputs
  pollTransmit(now: number): Transmit | undefined {
    if (this.state === 'closed' || this.state === 'draining') return undefined;
    const data = this.out.shift();
    if (data === undefined) return undefined;
    this.log.push('pollTransmit');
    const path = { local: this.local, remote: this.remote };
    const interval = this.options.pacingIntervalMs;
    if (interval === undefined) return { data, path };
    const releaseTime = Math.max(now, this.nextRelease);
    this.nextRelease = releaseTime + interval;
    return { data, path, releaseTime };
  }
  pollTimeout(): number | undefined {
    let t = this.closeDeadline;
    for (const at of this.timers) if (t === undefined || at < t) t = at;
    return t;
  }
  pollEvent(): FakeEvent | undefined {
    return this.events.shift();
  }

  private queueInitial(): void {
    this.out.push(initialPacket(this.peerCid, this.localCids[0]!, this.initialToken));
  }
}

/** A fake stateless reset: a short header with a random DCID, ending in 16 bytes of 0xee (the "token"). */
export function fakeStatelessReset(): Uint8Array {
  const out = new Uint8Array(40);
  out[0] = 0x4f;
  out.set(newCid(0xab), 1);
  out.fill(0xee, 24);
  return out;
}

function isFakeReset(data: Uint8Array): boolean {
  if (data.length < 25 || (data[0]! & 0x80) !== 0) return false;
  for (let i = data.length - 16; i < data.length; i++) if (data[i] !== 0xee) return false;
  return true;
}

/** A Retry in the fake format: long type 3, the token as the first frame. */
export function retryPacket(dcid: Uint8Array, scid: Uint8Array, token: Uint8Array): Uint8Array {
  return longPacket(3, dcid, scid, frames([[Frame.HELLO, token]]));
}

export interface FakeEndpointOptions {
  /** Require a Retry round trip. */
  readonly retry?: boolean;
  /** Options of every accepted connection. */
  readonly connection?: Partial<FakeConnectionOptions>;
}

const RETRY_TOKEN = utf8('fake-retry-token');

/** The endpoint helpers for the fake transport; VN bytes come from quic-core's real encoder. */
export class FakeEndpoint implements EndpointLike<FakeConnection> {
  readonly accepted: FakeConnection[] = [];
  constructor(readonly options: FakeEndpointOptions = {}) {}

  classifyUnknown(datagram: Uint8Array): UnknownDatagramDecision {
    const peek = peekDatagram(datagram, CID_LENGTH);
    if (peek.kind === 'drop') return { kind: 'drop', reason: peek.reason };
    if (peek.kind === 'short') return { kind: 'statelessReset' };
    if (peek.version === 1) {
      return peek.isInitial && datagram.length >= 1200 ? { kind: 'accept' } : { kind: 'drop', reason: 'notInitial' };
    }
    if (peek.version !== 0 && datagram.length >= 1200) return { kind: 'versionNegotiation' };
    return { kind: 'drop', reason: 'other' };
  }

  accept(datagram: Uint8Array, path: Path, now: number): AcceptOutcome<FakeConnection> {
    const p = parsePacket(datagram);
    if (p === undefined) return { kind: 'rejected', reason: 'failedToParse' };
    const token = p.frames.find(([t]) => t === Frame.HELLO)?.[1] ?? new Uint8Array(0);
    if (this.options.retry) {
      if (token.length === 0) return { kind: 'retry', reply: retryPacket(p.scid, newCid(0x4e), RETRY_TOKEN) };
      if (!equal(token, RETRY_TOKEN)) return { kind: 'rejected', reason: 'tokenValidationFailed' };
    }
    const connection = FakeConnection.accept(datagram, path, now, this.options.connection);
    if (connection === undefined) return { kind: 'rejected', reason: 'failedToParse' };
    this.accepted.push(connection);
    return { kind: 'accepted', connection };
  }

  versionNegotiation(datagram: Uint8Array): Uint8Array | undefined {
    const peek = peekDatagram(datagram, CID_LENGTH);
    if (peek.kind !== 'long') return undefined;
    return encodeVersionNegotiation(peek.scid, peek.dcid, [1, 0x6b3343cf], 0x2a);
  }

  statelessReset(datagram: Uint8Array, _from: SocketAddress, _now: number): Uint8Array | undefined {
    if (datagram.length < 22) return undefined;
    const out = new Uint8Array(Math.min(datagram.length - 1, 40));
    out.fill(0xaa);
    out[0] = 0x5f;
    return out;
  }
}
