/**
 * `Connection`: one QUIC v1 connection as a sans-io state machine (RFC 9000, 9001, 9002, 9221). Datagrams and
 * time go in, datagrams, deadlines and events come out. This file is the dispatcher: argument checks, the one catch
 * site, and the documented call order; the work is done in `receive.ts`, `send.ts` and `handlers/`.
 *
 * Call order (STYLE.md, quinn): after every input (`handleDatagram`, `handleTimeout`) or command (`writeStream`,
 * `close`...), call `pollTransmit(now)` until it returns `undefined`, then `pollTimeout()` to arm one timer, and
 * drain `pollEvent()`.
 *
 * @module
 */
import { peekDatagram } from '../wire/index.js';
import { createClientSession, createServerSession } from '@qk/tls13';
import type { CryptoProvider, KeyExchangeGroup } from '@qk/tls13';
import { TransportErrorCode } from '../errors.js';
import type { StreamReadResult } from '../streams/manager.js';
import type { StreamDirection } from '../streams/stream-id.js';
import type { TransportParameters } from '../wire/index.js';
import { clientTlsConfig, resolveTransportConfig, serverTlsConfig } from './config.js';
import type { ClientConfig, ServerConfig } from './config.js';
import { ConnectionCore } from './core.js';
import type { ConnectionState } from './core.js';
import type { ConnectionEvent } from './events.js';
import { onLossDetectionTimeout } from './handlers/ack.js';
import { closeOnError } from './handlers/close.js';
import { drainTls } from './handlers/crypto.js';
import { encodeLocalParameters, localTransportParameters } from './params.js';
import { receiveDatagram } from './receive.js';
import { buildTransmit } from './send.js';
import type { Path, Transmit } from './types.js';

/** Options of {@link Connection.accept}, filled in by the endpoint helper that routes a new Initial. */
export interface AcceptOptions {
  /**
   * The Destination Connection ID of the client's very first Initial (RFC 9000 §7.3). Default: the DCID of this
   * datagram's Initial, right when no Retry was sent. After a Retry, the one the validated token carries.
   */
  readonly originalDcid?: Uint8Array;
  /** After a Retry: the Retry's Source Connection ID (sent back as retry_source_connection_id). */
  readonly retrySourceCid?: Uint8Array;
  /** Our Source Connection ID, from the router's generator. Default: random, `connectionIdLength` bytes. */
  readonly sourceConnectionId?: Uint8Array;
}

/** Counters and estimates of a connection (`Connection.stats()`). */
export interface ConnectionStats {
  /** Smoothed RTT in ms (RFC 9002 §5.3). */
  readonly smoothedRtt: number;
  /** Minimum RTT in ms (0 before the first sample). */
  readonly minRtt: number;
  /** The latest RTT sample in ms. */
  readonly latestRtt: number;
  /** RTT variation in ms. */
  readonly rttVariance: number;
  /** The congestion window in bytes. */
  readonly congestionWindow: number;
  /** Bytes in flight. */
  readonly bytesInFlight: number;
  /** The congestion controller's name. */
  readonly congestionControl: string;
  /** Consecutive probe timeouts. */
  readonly ptoCount: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /** Packets declared lost. */
  readonly packetsLost: number;
  /** Packets declared lost and acknowledged later. */
  readonly spuriousLosses: number;
  /** Bytes of in-flight packets declared lost. */
  readonly bytesLost: number;
  /** UDP payload bytes sent (all datagrams). */
  readonly bytesSent: number;
  /** UDP payload bytes received (all datagrams, processed or not). */
  readonly bytesReceived: number;
  readonly datagramsSent: number;
  readonly datagramsReceived: number;
  /** Packets dropped unprocessed (see the next two for details). */
  readonly packetsDropped: number;
  /** Packets whose protection did not open (corrupted, forged, keys gone). */
  readonly packetsUndecryptable: number;
  /** Duplicate packets. */
  readonly packetsDuplicate: number;
  /** Our connection-level receive window (it grows under auto-tuning). */
  readonly connectionReceiveWindow: number;
  /** DATAGRAM frames sent, received, dropped on receipt (queue full) and refused by `sendDatagram`. */
  readonly dgramsSent: number;
  readonly dgramsReceived: number;
  readonly dgramsDroppedOnReceive: number;
  readonly dgramsRefused: number;
}

/** What the handshake settled (`Connection.negotiated()`). */
export interface NegotiatedConnection {
  /** The QUIC version. */
  readonly version: number;
  /** The ALPN protocol. */
  readonly alpn: string | undefined;
  /** The TLS cipher suite code point. */
  readonly cipherSuite: number;
  /** The key-exchange group. */
  readonly group: KeyExchangeGroup;
  /** True for a resumed session. */
  readonly resumed: boolean;
  /** The server name the client sent. */
  readonly serverName: string | undefined;
  /** The peer's transport parameters, once received. */
  readonly peerTransportParameters: TransportParameters | undefined;
}

/** Options of {@link Connection.close}. */
export interface CloseOptions {
  /** An application error code (CONNECTION_CLOSE 0x1d) rather than a transport one (0x1c). Default true. */
  readonly application?: boolean;
}

function checkNow(now: number, what = 'now'): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new RangeError(`${what} must be a finite number of ms, got ${String(now)}`);
}

function checkPath(path: Path): void {
  if (typeof path !== 'object' || path === null || typeof path.local !== 'object' || typeof path.remote !== 'object') {
    throw new TypeError('path must be { local, remote } socket addresses');
  }
}

function checkStreamId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`streamId must be a non-negative integer, got ${String(id)}`);
}

function checkErrorCode(code: number, what: string): void {
  if (!Number.isSafeInteger(code) || code < 0) throw new RangeError(`${what} must be a non-negative integer, got ${String(code)}`);
}

function providerOf(tls: { readonly provider?: CryptoProvider } | undefined): CryptoProvider {
  const p = tls?.provider;
  if (typeof p !== 'object' || p === null) throw new TypeError('tls.provider: a CryptoProvider is required');
  return p;
}

/**
 * A QUIC connection. Construct with {@link Connection.connect} (client) or {@link Connection.accept} (server).
 *
 * @example
 * const client = Connection.connect({ tls: { provider, now: clock, serverName: 'localhost', alpnProtocols: ['hq'], trustStore } }, path, 0);
 * for (let t; (t = client.pollTransmit(0)); ) socket.send(t.data, t.path.remote);
 * // on a datagram: client.handleDatagram(bytes, path, now); then poll again; on the timer: client.handleTimeout(now)
 */
export class Connection {
  readonly #c: ConnectionCore;

  private constructor(core: ConnectionCore) {
    this.#c = core;
  }

  /**
   * Starts a client connection: a random Destination Connection ID (8 bytes), the ClientHello queued in the first
   * Initial. Nothing is sent until `pollTransmit`.
   *
   * @param config transport options and the TLS client options (provider, clock, ALPN, server name, trust store)
   * @param path the local socket and the server's address
   * @param now the current time in ms (the connection's clock: any monotonic origin)
   * @throws TypeError / RangeError for a bad configuration (naming the option) or arguments
   * @example
   * const conn = Connection.connect(
   *   { tls: { provider: nobleProvider, now: () => Date.now(), serverName: 'example.com', alpnProtocols: ['h3'], trustStore } },
   *   { local: { address: '0.0.0.0', port: 50000 }, remote: { address: '192.0.2.1', port: 443 } },
   *   performance.now(),
   * );
   */
  static connect(config: ClientConfig, path: Path, now: number): Connection {
    const cfg = resolveTransportConfig(config);
    checkPath(path);
    checkNow(now);
    const provider = providerOf(config.tls);
    const odcid = provider.random(new Uint8Array(8));
    const scid = provider.random(new Uint8Array(cfg.connectionIdLength));
    const core = new ConnectionCore({
      role: 'client',
      config: cfg,
      provider,
      version: cfg.version,
      path,
      sourceConnectionId: scid,
      destinationConnectionId: odcid,
      initialDestinationConnectionId: odcid,
      originalDestinationConnectionId: odcid,
      now,
    });
    const params = localTransportParameters(cfg, { role: 'client', initialSourceConnectionId: scid });
    core.tls = createClientSession(clientTlsConfig(config.tls, encodeLocalParameters(params)));
    core.tls.start();
    drainTls(core, now);
    const conn = new Connection(core);
    conn.#start(now);
    return conn;
  }

  /**
   * Starts a server connection from a client's first datagram (which must begin with an Initial of a version qk
   * speaks: check with `peekDatagram` first) and processes that datagram. The connection answers in the client's
   * version; `config.version` is ignored.
   *
   * @param config transport options and the TLS server options (provider, clock, ALPN, certificate chain and key)
   * @param datagram the client's first datagram (header protection is removed in place)
   * @param path the local socket and the client's address
   * @param now the current time in ms
   * @param options what the router knows: the original DCID and Retry SCID after a Retry, our chosen SCID
   * @throws TypeError / RangeError for a bad configuration or a datagram that is not an Initial
   * @example
   * const peek = peekDatagram(datagram, 8);
   * if (peek.kind === 'long' && peek.isInitial) connections.set(key, Connection.accept(serverConfig, datagram, path, now));
   */
  static accept(config: ServerConfig, datagram: Uint8Array, path: Path, now: number, options: AcceptOptions = {}): Connection {
    const cfg = resolveTransportConfig(config);
    checkPath(path);
    checkNow(now);
    if (!(datagram instanceof Uint8Array)) throw new TypeError('datagram must be a Uint8Array');
    const peek = peekDatagram(datagram, cfg.connectionIdLength);
    if (peek.kind !== 'long' || !peek.isInitial) {
      throw new TypeError('datagram must begin with an Initial packet of a supported version');
    }
    const provider = providerOf(config.tls);
    const scid = options.sourceConnectionId ?? provider.random(new Uint8Array(cfg.connectionIdLength));
    if (scid.length !== cfg.connectionIdLength) {
      throw new RangeError(`sourceConnectionId must be connectionIdLength (${cfg.connectionIdLength}) bytes`);
    }
    if (options.retrySourceCid !== undefined && options.originalDcid === undefined) {
      throw new TypeError('originalDcid is required with retrySourceCid');
    }
    const odcid = (options.originalDcid ?? peek.dcid).slice();
    const core = new ConnectionCore({
      role: 'server',
      config: cfg,
      provider,
      version: peek.version,
      path,
      sourceConnectionId: scid,
      destinationConnectionId: peek.scid.slice(),
      initialDestinationConnectionId: peek.dcid.slice(),
      originalDestinationConnectionId: odcid,
      ...(options.retrySourceCid === undefined ? {} : { retrySourceConnectionId: options.retrySourceCid.slice() }),
      now,
    });
    const token = core.localCids.initial?.statelessResetToken;
    const params = localTransportParameters(cfg, {
      role: 'server',
      initialSourceConnectionId: scid,
      originalDestinationConnectionId: odcid,
      ...(options.retrySourceCid === undefined ? {} : { retrySourceConnectionId: options.retrySourceCid }),
      ...(scid.length > 0 && token !== undefined ? { statelessResetToken: token } : {}),
    });
    core.tls = createServerSession(serverTlsConfig(config.tls, encodeLocalParameters(params)));
    core.tls.start();
    const conn = new Connection(core);
    conn.#start(now);
    conn.handleDatagram(datagram, path, now);
    return conn;
  }

  #start(now: number): void {
    const c = this.#c;
    const first = c.localCids.initial;
    if (first !== undefined) c.emit({ kind: 'connectionIdIssued', ...first });
    c.restartIdleTimer(now);
    c.refreshTimers();
  }

  // ---- getters ------------------------------------------------------------------------------------------------

  /** Which side this is. */
  get role(): 'client' | 'server' {
    return this.#c.role;
  }

  /** `handshaking`, `established`, `closing`, `draining` (RFC 9000 §10.2) or `closed`. */
  get state(): ConnectionState {
    return this.#c.state;
  }

  /** True once the handshake completed and until the connection starts closing. */
  isEstablished(): boolean {
    return this.#c.state === 'established';
  }

  /** True once the handshake is confirmed (RFC 9001 §4.1.2). */
  isHandshakeConfirmed(): boolean {
    return this.#c.handshakeConfirmed;
  }

  /** True once the connection is gone: nothing more will be sent or received. */
  isClosed(): boolean {
    return this.#c.state === 'closed';
  }

  /** Counters and estimates. */
  stats(): ConnectionStats {
    const c = this.#c;
    const r = c.recovery;
    const n = c.counters;
    return {
      smoothedRtt: r.rtt.smoothedRtt,
      minRtt: r.rtt.minRtt,
      latestRtt: r.rtt.latestRtt,
      rttVariance: r.rtt.rttvar,
      congestionWindow: r.congestionWindow(),
      bytesInFlight: r.bytesInFlight,
      congestionControl: r.congestionController.name,
      ptoCount: r.ptoCount,
      packetsSent: n.packetsSent,
      packetsReceived: n.packetsReceived,
      packetsLost: r.stats.packetsLost,
      spuriousLosses: r.stats.spuriousLosses,
      bytesLost: r.stats.bytesLost,
      bytesSent: n.bytesSent,
      bytesReceived: n.bytesReceived,
      datagramsSent: n.datagramsSent,
      datagramsReceived: n.datagramsReceived,
      packetsDropped: n.packetsDropped,
      packetsUndecryptable: n.packetsUndecryptable,
      packetsDuplicate: n.packetsDuplicate,
      connectionReceiveWindow: c.streams.connRecv.window,
      dgramsSent: n.dgramsSent,
      dgramsReceived: n.dgramsReceived,
      dgramsDroppedOnReceive: n.dgramsDroppedOnReceive,
      dgramsRefused: n.dgramsRefused,
    };
  }

  /** What the handshake negotiated so far, or `undefined` before the ServerHello. */
  negotiated(): NegotiatedConnection | undefined {
    const c = this.#c;
    const n = c.tls.negotiated();
    if (n === undefined) return undefined;
    return {
      version: c.version,
      alpn: n.alpn,
      cipherSuite: n.cipherSuite,
      group: n.group,
      resumed: n.resumed,
      serverName: n.serverName,
      peerTransportParameters: c.peerParams,
    };
  }

  /** Our connection IDs in use (for a router), oldest first. */
  sourceConnectionIds(): Uint8Array[] {
    return this.#c.localCids.active.map((id) => id.connectionId);
  }

  // ---- inputs -------------------------------------------------------------------------------------------------

  /**
   * A datagram arrived on `path`. Never throws on peer input: a malformed datagram is dropped (counted), a protocol
   * violation closes the connection with the right error. Header protection is removed in place in `data`; the
   * connection keeps no reference to it. A datagram from another path is processed like any other, but replies
   * still go to the connection's path (migration and NAT rebinding come with path validation).
   *
   * @throws TypeError / RangeError only for misuse (not a Uint8Array, a bad `now`)
   */
  handleDatagram(data: Uint8Array, path: Path, now: number): void {
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
    checkNow(now);
    const c = this.#c;
    c.lastNow = now;
    try {
      receiveDatagram(c, data, path, now);
    } catch (e) {
      closeOnError(c, e, now);
    }
    c.refreshTimers();
  }

  /** A deadline from `pollTimeout` was reached: fires every expired timer in the fixed order of `TIMER_ORDER`. */
  handleTimeout(now: number): void {
    checkNow(now);
    const c = this.#c;
    c.lastNow = now;
    try {
      for (const name of c.timers.expired(now)) {
        switch (name) {
          case 'idle':
            c.closeSilently({
              cause: 'idleTimeout',
              errorCode: TransportErrorCode.NO_ERROR,
              frameType: undefined,
              reason: 'idle timeout',
              application: false,
              fromPeer: false,
            });
            return;
          case 'lossDetection':
            onLossDetectionTimeout(c, now);
            break;
          case 'close':
            c.closeSilently(undefined);
            return;
          case 'ackDelay':
          case 'keyDiscard':
          case 'pathValidation':
            c.timers.set(name, undefined);
            break;
        }
      }
    } catch (e) {
      closeOnError(c, e, now);
    } finally {
      c.refreshTimers();
    }
  }

  // ---- commands -----------------------------------------------------------------------------------------------

  /** Opens a stream; `undefined` while the peer's stream limit (or the handshake) does not allow one yet. */
  openStream(direction: StreamDirection): number | undefined {
    if (direction !== 'bidi' && direction !== 'uni') throw new TypeError(`direction must be 'bidi' or 'uni', got ${String(direction)}`);
    if (this.#c.isClosing()) return undefined;
    return this.#c.streams.openStream(direction);
  }

  /**
   * Queues `data` on stream `id` (and the FIN when `fin` and all of it is accepted). Returns the bytes accepted:
   * fewer than `data.length` when flow control allows no more (a `streamWritable` event follows). 0 once closing.
   *
   * @throws RangeError for an unknown stream, TypeError for a stream finished or reset
   */
  writeStream(id: number, data: Uint8Array, fin = false): number {
    checkStreamId(id);
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
    if (this.#c.isClosing()) return 0;
    return this.#c.streams.writeStream(id, data, fin);
  }

  /** Ends stream `id` after the data written so far. */
  finishStream(id: number): void {
    checkStreamId(id);
    if (this.#c.isClosing()) return;
    this.#c.streams.finishStream(id);
  }

  /** Abandons sending on stream `id` with an application error code (RESET_STREAM). */
  resetStream(id: number, errorCode: number): void {
    checkStreamId(id);
    checkErrorCode(errorCode, 'errorCode');
    if (this.#c.isClosing()) return;
    this.#c.streams.resetStream(id, errorCode);
  }

  /** Asks the peer to stop sending on stream `id` (STOP_SENDING); data still arriving is discarded. */
  stopSending(id: number, errorCode: number): void {
    checkStreamId(id);
    checkErrorCode(errorCode, 'errorCode');
    if (this.#c.isClosing()) return;
    this.#c.streams.stopSending(id, errorCode);
  }

  /**
   * Reads up to `max` bytes of stream `id` (a view; call again until `data` is undefined). `fin` once the whole
   * stream was read; `resetCode` if the peer reset it.
   */
  readStream(id: number, max = Number.POSITIVE_INFINITY): StreamReadResult {
    checkStreamId(id);
    if (!(max > 0)) throw new RangeError(`max must be positive, got ${String(max)}`);
    return this.#c.streams.readStream(id, max);
  }

  /** Sets a stream's send priority (RFC 9218: urgency 0..7, lower first; incremental streams round-robin). */
  setStreamPriority(id: number, urgency: number, incremental = false): void {
    checkStreamId(id);
    this.#c.streams.setPriority(id, urgency, incremental);
  }

  /**
   * Queues an RFC 9221 datagram. Returns false (and counts it) when the peer does not accept datagrams (or its
   * transport parameters are not known yet), when it is too big for one packet or the peer's limit, or when the
   * send queue is full. Datagrams are never fragmented nor retransmitted.
   */
  sendDatagram(data: Uint8Array): boolean {
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
    const c = this.#c;
    const max = this.maxDatagramPayloadSize();
    if (c.isClosing() || max === undefined || data.length > max || c.dgramSend.length >= c.config.dgramSendMaxQueueLen) {
      c.counters.dgramsRefused++;
      return false;
    }
    c.dgramSend.push(data);
    return true;
  }

  /** The next received datagram, or `undefined`. */
  readDatagram(): Uint8Array | undefined {
    return this.#c.dgramRecv.shift();
  }

  /**
   * The largest datagram payload `sendDatagram` accepts now, or `undefined` when datagrams cannot be sent (not
   * enabled here, not advertised by the peer, or its transport parameters not received yet).
   */
  maxDatagramPayloadSize(): number | undefined {
    const c = this.#c;
    const peerMax = c.peerParams?.maxDatagramFrameSize ?? 0;
    if (!c.config.enableDgram || peerMax === 0) return undefined;
    // A 1-RTT packet: short header (1 + DCID + 4-byte packet number), the AEAD tag, the DATAGRAM type and length.
    const packetRoom = c.maxDatagramSize() - (1 + c.peerCids.current.length + 4) - 16 - 1 - 2;
    return Math.max(0, Math.min(packetRoom, peerMax - 1 - 2));
  }

  /**
   * Closes the connection: CONNECTION_CLOSE with `errorCode` and `reason` (an application close by default; before
   * the handshake completes it is sent as APPLICATION_ERROR, RFC 9000 §10.2.3), then the closing state for three PTOs.
   */
  close(errorCode: number, reason = '', options: CloseOptions = {}): void {
    checkErrorCode(errorCode, 'errorCode');
    if (typeof reason !== 'string') throw new TypeError('reason must be a string');
    const c = this.#c;
    const application = options.application ?? true;
    c.enterClosing({ errorCode, frameType: 0, reason, application }, 'application', c.lastNow);
  }

  // ---- outputs ------------------------------------------------------------------------------------------------

  /**
   * The next datagram to send (one per call, coalesced packets inside), or `undefined` when there is nothing to send
   * now. Never throws: an internal failure closes the connection with INTERNAL_ERROR.
   */
  pollTransmit(now: number): Transmit | undefined {
    checkNow(now);
    const c = this.#c;
    c.lastNow = now;
    let t: Transmit | undefined;
    try {
      t = buildTransmit(c, now);
    } catch (e) {
      closeOnError(c, e, now);
      t = undefined;
    }
    c.refreshTimers();
    return t;
  }

  /** The earliest deadline (absolute ms) at which `handleTimeout` must run, or `undefined`. */
  pollTimeout(): number | undefined {
    return this.#c.timers.earliest();
  }

  /** The next event, or `undefined`. */
  pollEvent(): ConnectionEvent | undefined {
    return this.#c.events.shift();
  }
}
