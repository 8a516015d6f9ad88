/**
 * Connection IDs (RFC 9000 §5.1): the ones we issue (with stateless reset tokens derived from a static key,
 * §10.3.2) and the ones the peer issued to us (with their reset tokens, for detecting a stateless reset, §10.3.1).
 *
 * @module
 */
import { constantTimeEqual, equal } from '@qk/octets';
import type { CryptoProvider } from '@qk/tls13';
import { statelessResetToken } from '../crypto/index.js';
import { TransportError } from '../errors.js';
import { FrameType } from '../wire/index.js';
import type { NewConnectionIdFrame } from '../wire/index.js';

/** A connection ID of ours. */
export interface LocalConnectionId {
  readonly sequenceNumber: number;
  readonly connectionId: Uint8Array;
  readonly statelessResetToken: Uint8Array;
}

/** The connection IDs we issued and still answer to. */
export class LocalConnectionIds {
  readonly #provider: CryptoProvider;
  readonly #key: Uint8Array;
  readonly #length: number;
  readonly #active: LocalConnectionId[] = [];
  #nextSequence = 0;
  /** Sequence numbers whose NEW_CONNECTION_ID frame is due (issued, lost). */
  readonly pending: number[] = [];

  constructor(provider: CryptoProvider, resetKey: Uint8Array, length: number, initial: Uint8Array) {
    this.#provider = provider;
    this.#key = resetKey;
    this.#length = length;
    this.#add(initial);
  }

  #add(connectionId: Uint8Array): LocalConnectionId {
    const id: LocalConnectionId = {
      sequenceNumber: this.#nextSequence++,
      connectionId,
      statelessResetToken: statelessResetToken(this.#provider, this.#key, connectionId),
    };
    this.#active.push(id);
    return id;
  }

  /** The length of our connection IDs (what short headers carry). */
  get length(): number {
    return this.#length;
  }

  /** Our connection IDs in use, oldest first. */
  get active(): readonly LocalConnectionId[] {
    return this.#active;
  }

  /** The one with sequence number 0 (the handshake's Source Connection ID), if not retired. */
  get initial(): LocalConnectionId | undefined {
    return this.#active[0]?.sequenceNumber === 0 ? this.#active[0] : undefined;
  }

  /** The Source Connection ID to put in long headers: the oldest one in use. */
  get current(): Uint8Array {
    return this.#active[0]?.connectionId ?? new Uint8Array(0);
  }

  /** True when `cid` is one of ours. */
  has(cid: Uint8Array): boolean {
    for (const id of this.#active) if (equal(id.connectionId, cid)) return true;
    return false;
  }

  /** Issues a new connection ID and queues its NEW_CONNECTION_ID frame; `undefined` with zero-length IDs. */
  issue(): LocalConnectionId | undefined {
    if (this.#length === 0) return undefined;
    let cid: Uint8Array;
    do cid = this.#provider.random(new Uint8Array(this.#length));
    while (this.has(cid));
    const id = this.#add(cid);
    this.pending.push(id.sequenceNumber);
    return id;
  }

  /** The connection ID `sequenceNumber`, if still in use. */
  get(sequenceNumber: number): LocalConnectionId | undefined {
    return this.#active.find((id) => id.sequenceNumber === sequenceNumber);
  }

  /**
   * The peer retired `sequenceNumber` (RETIRE_CONNECTION_ID, RFC 9000 §19.16) in a packet sent to `dcid`. Returns the
   * retired ID, or `undefined` when it was already retired.
   *
   * @throws TransportError PROTOCOL_VIOLATION for a sequence number never issued, or the ID the packet was sent to
   */
  retire(sequenceNumber: number, dcid: Uint8Array): LocalConnectionId | undefined {
    const frameType = FrameType.RETIRE_CONNECTION_ID;
    if (sequenceNumber >= this.#nextSequence) {
      throw new TransportError('PROTOCOL_VIOLATION', `retired connection ID ${sequenceNumber} was never issued`, { frameType });
    }
    const i = this.#active.findIndex((id) => id.sequenceNumber === sequenceNumber);
    if (i < 0) return undefined;
    const id = this.#active[i]!;
    if (equal(id.connectionId, dcid)) {
      throw new TransportError('PROTOCOL_VIOLATION', 'retired the connection ID the packet was sent to', { frameType });
    }
    this.#active.splice(i, 1);
    const p = this.pending.indexOf(sequenceNumber);
    if (p >= 0) this.pending.splice(p, 1);
    return id;
  }

  /** A NEW_CONNECTION_ID frame for `sequenceNumber` was lost: send it again if the ID is still in use. */
  onNewLost(sequenceNumber: number): void {
    if (this.get(sequenceNumber) !== undefined && !this.pending.includes(sequenceNumber)) this.pending.push(sequenceNumber);
  }
}

/** A connection ID the peer issued. */
interface PeerConnectionId {
  readonly sequenceNumber: number;
  readonly connectionId: Uint8Array;
  statelessResetToken: Uint8Array | undefined;
}

/** The connection IDs the peer issued to us: the one in use, the spares, and the retirements due. */
export class PeerConnectionIds {
  readonly #limit: number;
  readonly #active = new Map<number, PeerConnectionId>();
  #currentSequence = 0;
  #retirePriorTo = 0;
  /** Sequence numbers whose RETIRE_CONNECTION_ID frame is due. */
  readonly pendingRetire: number[] = [];
  /** Retirements sent and not yet acknowledged. */
  readonly #retiring = new Set<number>();

  /** @param limit our active_connection_id_limit */
  constructor(limit: number, initial: Uint8Array) {
    this.#limit = limit;
    this.#active.set(0, { sequenceNumber: 0, connectionId: initial, statelessResetToken: undefined });
  }

  /** The Destination Connection ID to send with. */
  get current(): Uint8Array {
    return this.#active.get(this.#currentSequence)!.connectionId;
  }

  /** Replaces the handshake connection ID (sequence 0): the client adopts the server's Source Connection ID. */
  replaceInitial(cid: Uint8Array): void {
    this.#active.set(0, { sequenceNumber: 0, connectionId: cid, statelessResetToken: undefined });
  }

  /** The stateless reset token of sequence 0 (the server's stateless_reset_token transport parameter). */
  setInitialToken(token: Uint8Array): void {
    const id = this.#active.get(0);
    if (id !== undefined) id.statelessResetToken = token;
  }

  /** How many of the peer's connection IDs we hold. */
  get size(): number {
    return this.#active.size;
  }

  /**
   * NEW_CONNECTION_ID (RFC 9000 §19.15, §5.1.1, §5.1.2).
   *
   * @throws TransportError PROTOCOL_VIOLATION (zero-length IDs in use, a sequence number or ID reused differently),
   *   CONNECTION_ID_LIMIT_ERROR (more IDs than our active_connection_id_limit, or too many retirements pending)
   */
  onNewConnectionId(f: NewConnectionIdFrame): void {
    const frameType = FrameType.NEW_CONNECTION_ID;
    if (this.current.length === 0) {
      throw new TransportError('PROTOCOL_VIOLATION', 'NEW_CONNECTION_ID while using zero-length connection IDs', { frameType });
    }
    const existing = this.#active.get(f.sequenceNumber);
    if (existing !== undefined) {
      const same =
        equal(existing.connectionId, f.connectionId) &&
        (existing.statelessResetToken === undefined || equal(existing.statelessResetToken, f.statelessResetToken));
      if (!same) throw new TransportError('PROTOCOL_VIOLATION', `connection ID ${f.sequenceNumber} reissued differently`, { frameType });
      return;
    }
    for (const id of this.#active.values()) {
      if (equal(id.connectionId, f.connectionId)) {
        throw new TransportError('PROTOCOL_VIOLATION', 'a connection ID was reissued with another sequence number', { frameType });
      }
    }
    if (f.sequenceNumber < this.#retirePriorTo) {
      this.#queueRetire(f.sequenceNumber);
    } else {
      this.#active.set(f.sequenceNumber, {
        sequenceNumber: f.sequenceNumber,
        connectionId: f.connectionId.slice(),
        statelessResetToken: f.statelessResetToken.slice(),
      });
    }
    if (f.retirePriorTo > this.#retirePriorTo) {
      this.#retirePriorTo = f.retirePriorTo;
      for (const seq of [...this.#active.keys()]) {
        if (seq < f.retirePriorTo) {
          this.#active.delete(seq);
          this.#queueRetire(seq);
        }
      }
      if (!this.#active.has(this.#currentSequence)) this.#currentSequence = Math.min(...this.#active.keys());
    }
    if (this.#active.size > this.#limit) {
      throw new TransportError('CONNECTION_ID_LIMIT_ERROR', `more than ${this.#limit} active connection IDs`, { frameType });
    }
    if (this.pendingRetire.length + this.#retiring.size > 4 * this.#limit) {
      throw new TransportError('CONNECTION_ID_LIMIT_ERROR', 'too many connection IDs retired at once', { frameType });
    }
  }

  #queueRetire(seq: number): void {
    if (!this.pendingRetire.includes(seq) && !this.#retiring.has(seq)) this.pendingRetire.push(seq);
  }

  /** Takes the next due RETIRE_CONNECTION_ID (it now awaits its acknowledgment), or `undefined`. */
  takeRetire(): number | undefined {
    const seq = this.pendingRetire.shift();
    if (seq !== undefined) this.#retiring.add(seq);
    return seq;
  }

  /** A RETIRE_CONNECTION_ID for `seq` was acknowledged. */
  onRetireAcked(seq: number): void {
    this.#retiring.delete(seq);
  }

  /** A RETIRE_CONNECTION_ID for `seq` was lost: send it again. */
  onRetireLost(seq: number): void {
    if (this.#retiring.delete(seq)) this.pendingRetire.push(seq);
  }

  /**
   * True when the last 16 bytes of `datagram` are the reset token of the peer's connection ID in use (RFC 9000
   * §10.3.1; tokens of IDs not used or retired are not checked).
   */
  isStatelessReset(datagram: Uint8Array): boolean {
    if (datagram.length < 21) return false;
    const token = this.#active.get(this.#currentSequence)?.statelessResetToken;
    return token !== undefined && constantTimeEqual(token, datagram.subarray(datagram.length - 16));
  }
}
