/**
 * The sans-io glue between `@qk/tls13`'s handshake engine (in `tls` mode) and the {@link RecordLayer}: handshake
 * records go into `TlsSession.handleData`, the engine's output goes out as records, and each `secretsDerived` event
 * becomes record protection through `trafficKeys` (RFC 8446 §7.3).
 *
 * Key changes follow RFC 8446 §5 and Appendix A: a reader switches to the handshake keys as soon as they are
 * derived (the peer's next record uses them), and to the application keys only once the handshake is complete
 * (the server derives the client's application secret before the client's Finished, which still arrives under
 * the handshake keys). Writers pick keys by the epoch the engine names for each output.
 *
 * @module
 */
import { concat } from '@qk/octets';
import { TlsAlert } from '@qk/tls13';
import type { CryptoProvider } from '@qk/tls13';
import { RecordProtection } from './protection.js';
import { RecordLayer } from './record-layer.js';
import type { RecordEpoch } from './record-layer.js';
import { cipherSuiteInfo, trafficKeys } from './tls13.js';
import type { NegotiatedParameters, SessionTicket, TlsSession } from './tls13.js';

/** What a {@link TlsRecordConnection} reports, in order. */
export type TlsConnectionEvent =
  | {
      /** The handshake completed (both Finished messages processed); application data may flow. */
      readonly kind: 'handshakeCompleted';
      /** The engine's negotiated parameters. */
      readonly negotiated: NegotiatedParameters;
    }
  | {
      /** Application data arrived. */
      readonly kind: 'applicationDataReceived';
      /** The bytes (one record's worth). */
      readonly data: Uint8Array;
    }
  | {
      /** A NewSessionTicket was processed (client); the engine also stored it in its ticket store. */
      readonly kind: 'sessionTicketReceived';
      /** The ticket. */
      readonly ticket: SessionTicket;
    }
  | {
      /** The peer sent close_notify: it will send nothing more. */
      readonly kind: 'closeNotifyReceived';
    };

/** Options of a {@link TlsRecordConnection}. */
export interface TlsRecordConnectionOptions {
  /** The provider for record protection; normally the engine's own. */
  readonly provider: CryptoProvider;
  /**
   * Send one change_cipher_spec record before the first protected record (RFC 8446 Appendix D.4, middlebox
   * compatibility mode). Default true: every TLS 1.3 peer must drop it, and some middleboxes need it.
   */
  readonly middleboxCompat?: boolean;
  /** Largest plaintext per record sent (default 2^14); smaller values exercise message splitting. */
  readonly maxFragmentLength?: number;
  /** Server: how many bytes of rejected early data to skip (RFC 8446 §4.2.10); default 16384. */
  readonly maxRejectedEarlyData?: number;
}

/**
 * One TLS-over-TCP endpoint, sans-io: feed it the bytes read from the socket ({@link receive}), write out what
 * {@link pollTransmit} returns, and read {@link pollEvent}. A `TlsAlert` (ours or the peer's) is thrown from
 * {@link receive} or {@link start} after our alert record was queued: flush {@link pollTransmit} once more, then
 * close the socket.
 *
 * @example
 * const conn = new TlsRecordConnection(createClientSession({ ...config, mode: 'tls' }), { provider });
 * conn.start();
 * socket.write(conn.pollTransmit()!);
 * socket.on('data', (chunk) => { conn.receive(chunk); flush(); drainEvents(); });
 */
export class TlsRecordConnection {
  readonly session: TlsSession;
  readonly #provider: CryptoProvider;
  readonly #layer: RecordLayer;
  readonly #events: TlsConnectionEvent[] = [];
  readonly #middleboxCompat: boolean;
  readonly #maxRejectedEarlyData: number;
  #sentChangeCipherSpec = false;
  #pendingOneRttRead: RecordProtection | undefined;
  #pendingOneRttWrite: RecordProtection | undefined;
  #handshakeCompleted = false;
  #sentProtectedHandshake = false;
  #failure: TlsAlert | undefined;
  #closeSent = false;
  #closeReceived = false;

  constructor(session: TlsSession, options: TlsRecordConnectionOptions) {
    this.session = session;
    this.#provider = options.provider;
    this.#middleboxCompat = options.middleboxCompat ?? true;
    this.#maxRejectedEarlyData = options.maxRejectedEarlyData ?? 16_384;
    this.#layer = new RecordLayer(
      options.maxFragmentLength === undefined
        ? { role: session.role }
        : { role: session.role, maxFragmentLength: options.maxFragmentLength },
    );
  }

  /** True once both Finished messages were processed. */
  get handshakeCompleted(): boolean {
    return this.#handshakeCompleted;
  }

  /** The alert that ended the connection, if one did. */
  get failure(): TlsAlert | undefined {
    return this.#failure;
  }

  /** True once the peer's close_notify arrived. */
  get closeReceived(): boolean {
    return this.#closeReceived;
  }

  /** Starts the handshake (the client queues its ClientHello; a no-op for the server). */
  start(): void {
    this.#guard(() => {
      this.session.start();
      this.#pump();
    });
  }

  /** Feeds bytes read from the transport. Throws the `TlsAlert` that ends the connection, if any. */
  receive(bytes: Uint8Array): void {
    this.#guard(() => {
      this.#layer.push(bytes);
      for (let r = this.#layer.nextRecord(); r !== undefined; r = this.#layer.nextRecord()) {
        switch (r.kind) {
          case 'handshake':
            this.session.handleData(r.epoch, r.data);
            this.#pump();
            break;
          case 'applicationData':
            if (r.epoch !== 'oneRtt') throw new TlsAlert('unexpected_message', 'early data is not supported here');
            this.#events.push({ kind: 'applicationDataReceived', data: r.data });
            break;
          case 'alert':
            if (r.description === 0) {
              this.#closeReceived = true;
              this.#events.push({ kind: 'closeNotifyReceived' });
            }
            break;
          case 'changeCipherSpecIgnored':
          case 'earlyDataSkipped':
            break;
        }
      }
    });
  }

  /** Queues application data (after the handshake). Throws `RangeError` before the handshake completes. */
  send(data: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    if (!this.#handshakeCompleted) throw new RangeError('send() before the handshake completed');
    if (this.#closeSent) throw new RangeError('send() after close()');
    this.#layer.writeApplicationData(data);
  }

  /** Queues close_notify (RFC 8446 §6.1); nothing may be sent after it. Idempotent. */
  close(): void {
    if (this.#closeSent || this.#failure) return;
    this.#closeSent = true;
    this.#layer.writeAlert(this.#alertEpoch(), 0);
  }

  /** The bytes to write to the transport, or `undefined` when there are none. */
  pollTransmit(): Uint8Array | undefined {
    return this.#layer.pollTransmit();
  }

  /** The next event, or `undefined`. */
  pollEvent(): TlsConnectionEvent | undefined {
    return this.#events.shift();
  }

  #guard(fn: () => void): void {
    if (this.#failure) throw this.#failure;
    try {
      fn();
    } catch (e) {
      const alert =
        e instanceof TlsAlert
          ? e
          : new TlsAlert('internal_error', e instanceof Error ? e.message : String(e), { cause: e });
      this.#failure = alert;
      if (!alert.fromPeer) {
        try {
          this.#layer.writeAlert(this.#alertEpoch(), alert.code);
        } catch {
          // No keys to send it under: the socket closes without an alert.
        }
      }
      throw alert;
    }
  }

  /**
   * The epoch the peer is reading at, as best we know (RFC 8446 §6: alerts are encrypted under the current write
   * keys): the application keys once the handshake completed (or, for the server, once its Finished went out),
   * else the handshake keys when the peer can already read them, else plaintext.
   */
  #alertEpoch(): RecordEpoch {
    if (this.#layer.canWrite('oneRtt') && (this.#handshakeCompleted || this.#sentProtectedHandshake)) {
      return this.session.role === 'server' || this.#handshakeCompleted ? 'oneRtt' : 'handshake';
    }
    if (this.#layer.canWrite('handshake') && (this.session.role === 'client' || this.#sentProtectedHandshake)) {
      return 'handshake';
    }
    return 'initial';
  }

  #protection(suite: number, secret: Uint8Array): RecordProtection {
    const info = cipherSuiteInfo(suite);
    if (info === undefined) throw new TlsAlert('internal_error', `engine derived keys for unknown suite ${suite}`);
    const { key, iv } = trafficKeys(this.#provider, secret, info);
    return new RecordProtection(this.#provider.aead(info.aead, key), iv);
  }

  #writeHandshake(epoch: RecordEpoch, parts: Uint8Array[]): void {
    if (epoch !== 'initial') {
      if (this.#middleboxCompat && !this.#sentChangeCipherSpec) {
        this.#layer.writeChangeCipherSpec();
        this.#sentChangeCipherSpec = true;
      }
      if (epoch === 'handshake') this.#sentProtectedHandshake = true;
    }
    this.#layer.writeHandshake(epoch, parts.length === 1 ? parts[0]! : concat(...parts));
  }

  /** Moves the engine's events and output into the record layer, in the order RFC 8446 needs. */
  #pump(): void {
    for (let ev = this.session.pollEvent(); ev !== undefined; ev = this.session.pollEvent()) {
      switch (ev.kind) {
        case 'secretsDerived': {
          const p = this.#protection(ev.cipherSuite, ev.secret);
          if (ev.level === 'zeroRtt') {
            throw new TlsAlert('internal_error', '0-RTT over the TCP record layer is not supported');
          }
          if (ev.direction === 'write') {
            // A new 1-RTT write key after the first is a key update: records queued before it keep the old key.
            if (ev.level === 'oneRtt' && this.#layer.canWrite('oneRtt')) this.#pendingOneRttWrite = p;
            else this.#layer.setWriteProtection(ev.level, p);
          } else if (ev.level === 'handshake') {
            this.#layer.setReadProtection('handshake', p);
          } else if (this.#handshakeCompleted) {
            this.#layer.setReadProtection('oneRtt', p); // a key update by the peer
          } else {
            this.#pendingOneRttRead = p;
          }
          break;
        }
        case 'handshakeCompleted':
          this.#handshakeCompleted = true;
          this.#layer.peerFinishedReceived();
          if (this.#pendingOneRttRead) {
            this.#layer.setReadProtection('oneRtt', this.#pendingOneRttRead);
            this.#pendingOneRttRead = undefined;
          }
          this.#events.push({ kind: 'handshakeCompleted', negotiated: this.session.negotiated()! });
          break;
        case 'sessionTicketReceived':
          this.#events.push({ kind: 'sessionTicketReceived', ticket: ev.ticket });
          break;
        case 'earlyDataRejected':
          if (this.session.role === 'server') this.#layer.skipRejectedEarlyData(this.#maxRejectedEarlyData);
          break;
        case 'earlyDataAccepted':
          throw new TlsAlert('internal_error', '0-RTT over the TCP record layer is not supported');
        case 'peerTransportParametersReceived':
          break;
      }
    }
    // Consecutive outputs at one epoch are coalesced into as few records as the fragment limit allows.
    let run: { epoch: RecordEpoch; parts: Uint8Array[] } | undefined;
    for (let out = this.session.pollOutput(); out !== undefined; out = this.session.pollOutput()) {
      if (run !== undefined && run.epoch === out.level) {
        run.parts.push(out.data);
        continue;
      }
      if (run !== undefined) this.#writeHandshake(run.epoch, run.parts);
      run = { epoch: out.level, parts: [out.data] };
    }
    if (run !== undefined) this.#writeHandshake(run.epoch, run.parts);
    if (this.#pendingOneRttWrite) {
      this.#layer.setWriteProtection('oneRtt', this.#pendingOneRttWrite);
      this.#pendingOneRttWrite = undefined;
    }
  }
}
