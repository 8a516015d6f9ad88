// Toy sans-io endpoints for the simulator's tests: a scripted sender/recorder, an echo server, and a
// sliding-window transfer with retransmission timers and checksums (window 1 is stop-and-wait).
import { Reader, Writer } from '@qk/octets';
import type { Path, SimEndpoint, SocketAddress, Transmit } from '../src/index.js';

/** A datagram an endpoint received, with when and on which path. */
export interface Received {
  readonly time: number;
  readonly data: Uint8Array;
  readonly path: Path;
}

/**
 * Sends what it is told, when it is told, and records everything: received datagrams, the `now` of every
 * `pollTransmit` call and every timeout.
 */
export class Scripted implements SimEndpoint {
  readonly received: Received[] = [];
  readonly polls: number[] = [];
  readonly timeouts: number[] = [];
  #outbox: Transmit[] = [];
  #head = 0;
  readonly #scheduled: { time: number; transmit: Transmit }[] = [];

  constructor(readonly local: SocketAddress) {}

  /** Queues a datagram for the next poll (call the handle's `wake()` when outside the event loop). */
  send(remote: SocketAddress, data: Uint8Array, opts: { releaseTime?: number; from?: SocketAddress } = {}): void {
    this.#outbox.push(this.#transmit(remote, data, opts));
  }

  /** Sends a datagram at virtual time `time`, through this endpoint's own timer. */
  sendAt(time: number, remote: SocketAddress, data: Uint8Array, opts: { from?: SocketAddress } = {}): void {
    const entry = { time, transmit: this.#transmit(remote, data, opts) };
    let i = this.#scheduled.length;
    while (i > 0 && (this.#scheduled[i - 1] as { time: number }).time > time) i--;
    this.#scheduled.splice(i, 0, entry);
  }

  #transmit(remote: SocketAddress, data: Uint8Array, opts: { releaseTime?: number; from?: SocketAddress }): Transmit {
    const path = { local: opts.from ?? this.local, remote };
    return opts.releaseTime === undefined ? { data, path } : { data, path, releaseTime: opts.releaseTime };
  }

  handleDatagram(data: Uint8Array, path: Path, now: number): void {
    this.received.push({ time: now, data: data.slice(), path });
  }

  pollTransmit(now: number): Transmit | undefined {
    this.polls.push(now);
    const t = this.#outbox[this.#head];
    if (t === undefined) {
      this.#outbox = [];
      this.#head = 0;
      return undefined;
    }
    this.#head++;
    return t;
  }

  pollTimeout(): number | undefined {
    return this.#scheduled[0]?.time;
  }

  handleTimeout(now: number): void {
    this.timeouts.push(now);
    while (this.#scheduled.length > 0 && (this.#scheduled[0] as { time: number }).time <= now) {
      this.#outbox.push((this.#scheduled.shift() as { transmit: Transmit }).transmit);
    }
  }
}

/** Sends every datagram straight back where it came from. */
export class Echo implements SimEndpoint {
  readonly received: Received[] = [];
  readonly #outbox: Transmit[] = [];

  /** Queues a datagram of its own (to start a ping-pong). */
  send(t: Transmit): void {
    this.#outbox.push(t);
  }

  handleDatagram(data: Uint8Array, path: Path, now: number): void {
    this.received.push({ time: now, data: data.slice(), path });
    this.#outbox.push({ data, path });
  }

  pollTransmit(): Transmit | undefined {
    return this.#outbox.shift();
  }

  pollTimeout(): undefined {
    return undefined;
  }

  handleTimeout(): void {}
}

/** Sends `count` pings one after the other, each when the previous pong arrives, and records round-trip times. */
export class Pinger implements SimEndpoint {
  readonly rtts: number[] = [];
  #sentAt = 0;
  #next = 0;
  #waiting = false;

  constructor(
    readonly local: SocketAddress,
    readonly remote: SocketAddress,
    readonly count: number,
  ) {}

  handleDatagram(_data: Uint8Array, _path: Path, now: number): void {
    this.rtts.push(now - this.#sentAt);
    this.#waiting = false;
  }

  pollTransmit(now: number): Transmit | undefined {
    if (this.#waiting || this.#next >= this.count) return undefined;
    this.#waiting = true;
    this.#sentAt = now;
    return { data: new Uint8Array([this.#next++]), path: { local: this.local, remote: this.remote } };
  }

  pollTimeout(): undefined {
    return undefined;
  }

  handleTimeout(): void {}
}

// ---- a reliable transfer: DATA(seq, payload) and ACK(seq), each with an FNV-1a checksum --------------------

const DATA = 1;
const ACK = 2;

/** FNV-1a 32-bit: every step is a bijection, so any change confined to one byte always changes the hash. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

function encodePacket(type: number, seq: number, payload: Uint8Array): Uint8Array {
  const body = new Writer(9 + payload.length).writeU8(type).writeU32(seq).writeBytes(payload).finish();
  return new Writer(body.length + 4).writeU32(fnv1a(body)).writeBytes(body).finish();
}

/** Returns `undefined` for a packet whose checksum fails or that is malformed. */
function decodePacket(data: Uint8Array): { type: number; seq: number; payload: Uint8Array } | undefined {
  if (data.length < 9) return undefined;
  const r = new Reader(data);
  const sum = r.readU32();
  const body = r.rest();
  if (fnv1a(body) !== sum) return undefined;
  const b = new Reader(body);
  const type = b.readU8();
  const seq = b.readU32();
  return { type, seq, payload: b.rest() };
}

/**
 * Sends `chunks` with at most `window` unacknowledged at once, each retransmitted `rto` ms after it was last sent
 * until acknowledged. Window 1 is stop-and-wait.
 */
export class WindowSender implements SimEndpoint {
  readonly #unacked = new Map<number, number>(); // seq -> last sent time
  readonly #retransmit: number[] = [];
  #next = 0;
  #acked = 0;
  retransmissions = 0;
  checksumFailures = 0;
  doneAt: number | undefined;

  constructor(
    readonly local: SocketAddress,
    readonly remote: SocketAddress,
    readonly chunks: readonly Uint8Array[],
    readonly window: number,
    readonly rto: number,
  ) {}

  get done(): boolean {
    return this.doneAt !== undefined;
  }

  handleDatagram(data: Uint8Array, _path: Path, now: number): void {
    const p = decodePacket(data);
    if (p === undefined || p.type !== ACK) {
      this.checksumFailures++;
      return;
    }
    if (this.#unacked.delete(p.seq)) {
      this.#acked++;
      if (this.#acked === this.chunks.length) this.doneAt = now;
    }
  }

  pollTransmit(now: number): Transmit | undefined {
    let seq = this.#retransmit.shift();
    while (seq !== undefined && !this.#unacked.has(seq)) seq = this.#retransmit.shift();
    if (seq !== undefined) {
      this.retransmissions++;
    } else if (this.#unacked.size < this.window && this.#next < this.chunks.length) {
      seq = this.#next++;
    } else {
      return undefined;
    }
    this.#unacked.set(seq, now);
    return { data: encodePacket(DATA, seq, this.chunks[seq] as Uint8Array), path: { local: this.local, remote: this.remote } };
  }

  pollTimeout(): number | undefined {
    if (this.#retransmit.length > 0) return undefined; // already due; sent at the next poll
    let earliest: number | undefined;
    for (const sentAt of this.#unacked.values()) {
      const t = sentAt + this.rto;
      if (earliest === undefined || t < earliest) earliest = t;
    }
    return earliest;
  }

  handleTimeout(now: number): void {
    for (const [seq, sentAt] of this.#unacked) {
      if (sentAt + this.rto <= now && !this.#retransmit.includes(seq)) this.#retransmit.push(seq);
    }
  }
}

/** Acknowledges every valid DATA packet and reassembles the chunks. */
export class WindowReceiver implements SimEndpoint {
  readonly #chunks = new Map<number, Uint8Array>();
  readonly #outbox: Transmit[] = [];
  checksumFailures = 0;
  duplicates = 0;

  constructor(readonly total: number) {}

  get complete(): boolean {
    return this.#chunks.size === this.total;
  }

  /** The chunks in order, concatenated. */
  assembled(): Uint8Array {
    const parts = [...Array(this.total).keys()].map((i) => this.#chunks.get(i) ?? new Uint8Array(0));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  handleDatagram(data: Uint8Array, path: Path): void {
    const p = decodePacket(data);
    if (p === undefined || p.type !== DATA) {
      this.checksumFailures++;
      return;
    }
    if (this.#chunks.has(p.seq)) this.duplicates++;
    else this.#chunks.set(p.seq, p.payload.slice());
    this.#outbox.push({ data: encodePacket(ACK, p.seq, new Uint8Array(0)), path });
  }

  pollTransmit(): Transmit | undefined {
    return this.#outbox.shift();
  }

  pollTimeout(): undefined {
    return undefined;
  }

  handleTimeout(): void {}
}

/** `n` chunks of `size` bytes, with content derived from the chunk index so misordering is visible. */
export function makeChunks(n: number, size: number): Uint8Array[] {
  return [...Array(n).keys()].map((i) => {
    const c = new Uint8Array(size);
    for (let j = 0; j < size; j++) c[j] = (i * 31 + j * 7) & 0xff;
    return c;
  });
}
