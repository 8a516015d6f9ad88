/**
 * InboundPacketRouter: one per UDP socket (tokio-quiche's `InboundPacketRouter`). For each datagram read:
 * - read the destination connection ID (quic-core's `peekDatagram`; short headers carry `localCidLength` bytes);
 * - known ID (several may map to one connection): post an `Incoming` to that worker's bounded mailbox (full: drop
 *   and count; QUIC recovers it as loss);
 * - unknown short header from the address of a connection on this socket: offer it to that connection, since it
 *   may be a stateless reset for it (RFC 9000 §10.3.1: its connection ID is unpredictable);
 * - other unknown IDs: ask the endpoint helpers (`EndpointLike.classifyUnknown`): a client Initial is accepted into a new
 *   IoWorker (subject to the accept backlog: handshakes in progress, dropped when full) or answered with a Retry;
 *   an unsupported version gets Version Negotiation; an unknown short header gets a stateless reset through a
 *   token bucket; everything else is dropped and counted.
 * Workers send it map / unmap messages as their connection IDs come and go. A router without an endpoint is a
 * client socket: it only routes, and many client connections can share it.
 */
import { TransportErrorCode, peekDatagram } from '@qk/quic-core';
import type { ApplicationHooks, ConnectionResult } from './application.js';
import { ConnectionIdMap } from './cid-map.js';
import type { Clock } from './clock.js';
import { monotonicNow } from './clock.js';
import type { DatagramDropReason, EndpointReplyKind, IoMetrics } from './metrics.js';
import { DATAGRAM_DROP_REASONS, noopMetrics } from './metrics.js';
import { TokenBucket } from './rate-limiter.js';
import type {
  ConnectionEventLike, EndpointLike, Path, QuicConnectionLike, RejectedInitialReason, SocketAddress,
} from './transport.js';
import { REJECTED_INITIAL_REASONS } from './transport.js';
import type { UdpSocket } from './udp-socket.js';
import type { AnyIoWorker, IoWorkerOptions, WorkerHost } from './worker.js';
import { IoWorker, peerKey } from './worker.js';

/** Per-connection worker settings a router applies to the workers it creates. */
export type WorkerSettings = Pick<
  IoWorkerOptions<unknown, unknown>,
  'mailboxCapacity' | 'maxDatagramsPerTurn' | 'pacingSlackMs' | 'handshakeTimeoutMs'
>;

/** What the application factory learns about a connection being accepted. */
export interface AcceptInfo<C> {
  readonly connection: C;
  /** The client's address. */
  readonly remote: SocketAddress;
  /** This socket's address. */
  readonly local: SocketAddress;
}

/** Options of an {@link InboundPacketRouter}. */
export interface InboundPacketRouterOptions<C, E> {
  /** The socket to read; the router becomes its receiver and, on shutdown, closes it. */
  readonly socket: UdpSocket;
  /** Length of this endpoint's connection IDs (short headers carry no length), 0 to 20. */
  readonly localCidLength: number;
  /** Server sockets: the endpoint helpers. Without them, unknown datagrams are dropped (a client socket). */
  readonly endpoint?: EndpointLike<C>;
  /** Server sockets: the application of each accepted connection; `undefined` refuses it. */
  readonly applicationFactory?: (info: AcceptInfo<C>) => ApplicationHooks<C, E> | undefined;
  /** Handshakes in progress at most; Initials beyond are dropped (acceptQueueOverflow). Default 1024. */
  readonly acceptBacklog?: number;
  /**
   * Stateless resets per second, for the whole socket (token bucket; the endpoint helper may add per-address limits).
   * 0 disables them. Default 100.
   */
  readonly statelessResetRate?: number;
  /** Stateless resets in a burst. Default 10. */
  readonly statelessResetBurst?: number;
  /** Settings of every worker this router creates. */
  readonly worker?: WorkerSettings;
  /**
   * Hook points of the router and its workers; default no-op. Give the same object to `UdpSocket.bind` for the
   * send-side hooks (`datagramSent`, `writeError`).
   */
  readonly metrics?: IoMetrics;
  /** Default `performance.now()`. */
  readonly clock?: Clock;
}

/** Options of {@link InboundPacketRouter.shutdown}. */
export interface RouterShutdownOptions {
  /** CONNECTION_CLOSE code. Default NO_ERROR. */
  readonly errorCode?: number;
  /** Default `'shutdown'`. */
  readonly reason?: string;
  /** Send an application close. Default false. */
  readonly application?: boolean;
  /** How long connections may take to close and drain before they are aborted, in ms. Default 2000. */
  readonly deadlineMs?: number;
}

/** What a shutdown did. */
export interface RouterShutdownSummary {
  /** Connections that were open when it began. */
  readonly connections: number;
  /** Of those, how many were aborted at the deadline. */
  readonly aborted: number;
  readonly results: readonly ConnectionResult[];
}

/** Counters of one router. */
export interface RouterStats {
  readonly datagramsReceived: number;
  readonly datagramsRouted: number;
  readonly dropped: Readonly<Record<DatagramDropReason, number>>;
  readonly acceptedInitials: number;
  readonly rejectedInitials: Readonly<Record<RejectedInitialReason, number>>;
  readonly replies: Readonly<Record<EndpointReplyKind, number>>;
  readonly connections: number;
  readonly handshakesInProgress: number;
  readonly mappedConnectionIds: number;
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = 0;
  return out;
}

/**
 * The router of one socket.
 *
 * @example
 * const socket = await UdpSocket.bind({ address: '::', port: 4433, dualStack: true });
 * const router = new InboundPacketRouter({ socket, localCidLength: 8, endpoint, applicationFactory: () => new EchoApp() });
 * // ... later
 * await router.shutdown({ deadlineMs: 1000 });
 */
export class InboundPacketRouter<C extends QuicConnectionLike<E>, E extends ConnectionEventLike = ConnectionEventLike> implements WorkerHost {
  readonly socket: UdpSocket;
  readonly localAddress: SocketAddress;
  readonly localCidLength: number;
  private readonly endpoint: EndpointLike<C> | undefined;
  private readonly factory: ((info: AcceptInfo<C>) => ApplicationHooks<C, E> | undefined) | undefined;
  private readonly backlog: number;
  private readonly resetLimiter: TokenBucket | undefined;
  private readonly workerSettings: WorkerSettings;
  private readonly metrics: IoMetrics;
  private readonly clock: Clock;
  private readonly cids = new ConnectionIdMap<AnyIoWorker>();
  private readonly workers = new Set<AnyIoWorker>();
  private readonly handshaking = new Set<AnyIoWorker>();
  /** Workers by peer address (`peerKey`): where unknown short headers from that address may be stateless resets. */
  private readonly peers = new Map<string, Set<AnyIoWorker>>();
  private accepting: boolean;
  private shutdownPromise: Promise<RouterShutdownSummary> | undefined;
  private received = 0;
  private routed = 0;
  private accepted = 0;
  private readonly dropped = zeroes(DATAGRAM_DROP_REASONS);
  private readonly rejected = zeroes(REJECTED_INITIAL_REASONS);
  private readonly replies = zeroes<EndpointReplyKind>(['versionNegotiation', 'retry', 'statelessReset', 'rejection']);

  /** @throws RangeError / TypeError for bad options */
  constructor(options: InboundPacketRouterOptions<C, E>) {
    const { socket, localCidLength } = options;
    if (!Number.isInteger(localCidLength) || localCidLength < 0 || localCidLength > 20) {
      throw new RangeError(`localCidLength must be an integer in 0..20, got ${localCidLength}`);
    }
    if (options.endpoint !== undefined && options.applicationFactory === undefined) {
      throw new TypeError('applicationFactory is required when an endpoint accepts connections');
    }
    this.socket = socket;
    this.localAddress = socket.localAddress;
    this.localCidLength = localCidLength;
    this.endpoint = options.endpoint;
    this.factory = options.applicationFactory;
    this.accepting = options.endpoint !== undefined;
    this.backlog = options.acceptBacklog ?? 1024;
    if (!Number.isInteger(this.backlog) || this.backlog < 0) throw new RangeError(`acceptBacklog must be an integer >= 0, got ${this.backlog}`);
    const rate = options.statelessResetRate ?? 100;
    this.resetLimiter = rate > 0 ? new TokenBucket(rate, options.statelessResetBurst ?? 10) : undefined;
    this.workerSettings = options.worker ?? {};
    this.metrics = options.metrics ?? noopMetrics;
    this.clock = options.clock ?? monotonicNow;
    socket.setReceiver(this.receive);
  }

  /** True while new connections are accepted. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Live workers using this socket. */
  get connections(): ReadonlySet<AnyIoWorker> {
    return this.workers;
  }

  /** Counters. */
  stats(): RouterStats {
    return {
      datagramsReceived: this.received,
      datagramsRouted: this.routed,
      dropped: { ...this.dropped },
      acceptedInitials: this.accepted,
      rejectedInitials: { ...this.rejected },
      replies: { ...this.replies },
      connections: this.workers.size,
      handshakesInProgress: this.handshaking.size,
      mappedConnectionIds: this.cids.size,
    };
  }

  /** The worker a connection ID routes to, if any. */
  lookup(cid: Uint8Array): AnyIoWorker | undefined {
    return this.cids.get(cid);
  }

  /**
   * Starts a worker for a connection this side created (a client): many may share the socket. The connection's
   * `sourceConnectionIds()` are routed to it at once.
   *
   * @throws Error after shutdown
   */
  spawn(connection: C, application: ApplicationHooks<C, E>, settings: WorkerSettings = {}): IoWorker<C, E> {
    if (this.shutdownPromise !== undefined || this.socket.isClosing) throw new Error('the router is shut down');
    const worker = new IoWorker<C, E>({
      ...this.workerSettings,
      ...settings,
      connection,
      application,
      host: this,
      clock: this.clock,
      metrics: this.metrics,
    });
    worker.start();
    return worker;
  }

  /**
   * The socket's receive callback; also the way to inject a datagram in tests. `from` is the sender; the data is
   * kept by reference until the worker consumes it.
   */
  readonly receive = (data: Uint8Array, from: SocketAddress): void => {
    const now = this.clock();
    this.received++;
    this.metrics.datagramReceived(data.length);
    const peek = peekDatagram(data, this.localCidLength);
    if (peek.kind === 'drop') {
      this.drop('unparseable');
      return;
    }
    const worker = this.cids.get(peek.dcid);
    if (worker !== undefined) {
      if (worker.deliver({ from, to: this.localAddress, data, receivedAt: now })) this.routed++;
      else this.drop('mailboxFull');
      return;
    }
    if (peek.kind === 'short' && this.offerToPeers(data, from, now)) return;
    this.handleUnknown(data, from, now, peek.dcid);
  };

  /** Stops accepting new connections; existing ones continue. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * Graceful shutdown: stop accepting, close every connection on this socket with CONNECTION_CLOSE, wait for them
   * to drain (aborting those still open at the deadline), then close the socket. Idempotent. Afterwards nothing
   * of the router's is left: no socket, timers or immediates.
   */
  shutdown(options: RouterShutdownOptions = {}): Promise<RouterShutdownSummary> {
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    this.accepting = false;
    const workers = [...this.workers];
    const settings = {
      errorCode: options.errorCode ?? TransportErrorCode.NO_ERROR,
      reason: options.reason ?? 'shutdown',
      deadlineMs: options.deadlineMs ?? 2000,
      ...(options.application === undefined ? {} : { application: options.application }),
    };
    this.shutdownPromise = (async () => {
      const results = await Promise.all(workers.map((w) => w.shutdown(settings)));
      // Workers that arrived during the wait (none can be accepted; a client could spawn one) are aborted.
      for (const w of [...this.workers]) w.abort('router shut down');
      await this.socket.close();
      this.cids.clear();
      return { connections: workers.length, aborted: results.filter((r) => r.kind === 'aborted').length, results };
    })();
    return this.shutdownPromise;
  }

  // WorkerHost: the messages workers send.

  /** @inheritDoc */
  mapConnectionId(cid: Uint8Array, worker: AnyIoWorker): boolean {
    const owner = this.cids.get(cid);
    if (owner !== undefined && owner !== worker) return false;
    if (owner === undefined) this.cids.set(cid, worker);
    return true;
  }

  /** @inheritDoc */
  unmapConnectionId(cid: Uint8Array, worker: AnyIoWorker): void {
    this.cids.delete(cid, worker);
  }

  /** @inheritDoc */
  attachWorker(worker: AnyIoWorker): void {
    this.workers.add(worker);
  }

  /** @inheritDoc */
  workerEstablished(worker: AnyIoWorker): void {
    this.handshaking.delete(worker);
  }

  /** @inheritDoc */
  detachWorker(worker: AnyIoWorker): void {
    this.workers.delete(worker);
    this.handshaking.delete(worker);
    const key = worker.peerAddressKey;
    if (key !== undefined) this.unindexPeer(worker, key);
  }

  /** @inheritDoc */
  peerAddressChanged(worker: AnyIoWorker, previous: string | undefined, current: string): void {
    if (previous !== undefined) this.unindexPeer(worker, previous);
    let set = this.peers.get(current);
    if (set === undefined) {
      set = new Set();
      this.peers.set(current, set);
    }
    set.add(worker);
  }

  private unindexPeer(worker: AnyIoWorker, key: string): void {
    const set = this.peers.get(key);
    if (set === undefined) return;
    set.delete(worker);
    if (set.size === 0) this.peers.delete(key);
  }

  /**
   * An unknown short header from the address of connections on this socket may be a stateless reset for one of
   * them (its connection ID is random, RFC 9000 §10.3): they get to check it, and nothing is sent back (§10.3.1).
   */
  private offerToPeers(data: Uint8Array, from: SocketAddress, now: number): boolean {
    if (this.peers.size === 0) return false;
    const set = this.peers.get(peerKey(from));
    if (set === undefined) return false;
    let delivered = false;
    let first = true;
    for (const worker of set) {
      // Connections may decrypt in place: each one after the first gets its own copy.
      const bytes = first ? data : data.slice();
      first = false;
      delivered = worker.deliver({ from, to: this.localAddress, data: bytes, receivedAt: now }) || delivered;
    }
    if (delivered) this.routed++;
    else this.drop('mailboxFull');
    return true;
  }

  private drop(reason: DatagramDropReason): void {
    this.dropped[reason]++;
    this.metrics.datagramDropped(reason);
  }

  private reject(reason: RejectedInitialReason): void {
    this.rejected[reason]++;
    this.metrics.rejectedInitialPacket(reason);
  }

  private reply(data: Uint8Array, to: SocketAddress, kind: EndpointReplyKind): void {
    if (this.socket.send(data, to)) {
      this.replies[kind]++;
      this.metrics.endpointReply(kind);
    } else {
      this.drop('replyNotSent');
    }
  }

  private handleUnknown(data: Uint8Array, from: SocketAddress, now: number, dcid: Uint8Array): void {
    const endpoint = this.endpoint;
    if (endpoint === undefined || this.socket.isClosing) {
      this.drop(this.socket.isClosing ? 'shuttingDown' : 'unroutable');
      return;
    }
    try {
      const decision = endpoint.classifyUnknown(data);
      switch (decision.kind) {
        case 'accept':
          this.accept(endpoint, data, from, now, dcid);
          return;
        case 'versionNegotiation': {
          const vn = endpoint.versionNegotiation(data);
          if (vn === undefined) this.drop('unroutable');
          else this.reply(vn, from, 'versionNegotiation');
          return;
        }
        case 'statelessReset': {
          const reset = this.resetLimiter?.take(now) === true ? endpoint.statelessReset(data, from, now) : undefined;
          if (reset === undefined) this.drop('statelessResetLimited');
          else this.reply(reset, from, 'statelessReset');
          return;
        }
        case 'drop':
          this.drop('unroutable');
          return;
      }
    } catch {
      // The endpoint helpers never throw on peer input; if one does, the datagram is lost, not the socket.
      this.drop('unparseable');
    }
  }

  private accept(endpoint: EndpointLike<C>, data: Uint8Array, from: SocketAddress, now: number, dcid: Uint8Array): void {
    if (!this.accepting) {
      this.reject('notAccepting');
      return;
    }
    if (this.handshaking.size >= this.backlog) {
      this.reject('acceptQueueOverflow');
      return;
    }
    const path: Path = { local: this.localAddress, remote: { address: from.address, port: from.port } };
    let outcome;
    try {
      outcome = endpoint.accept(data, path, now);
    } catch {
      this.reject('unexpected');
      return;
    }
    switch (outcome.kind) {
      case 'retry':
        this.reply(outcome.reply, from, 'retry');
        return;
      case 'rejected':
        this.reject(outcome.reason);
        if (outcome.reply !== undefined) this.reply(outcome.reply, from, 'rejection');
        return;
      case 'accepted':
        break;
    }
    const connection = outcome.connection;
    let application: ApplicationHooks<C, E> | undefined;
    try {
      application = this.factory!({ connection, remote: path.remote, local: this.localAddress });
    } catch {
      application = undefined;
    }
    if (application === undefined) {
      this.reject('refused');
      return;
    }
    this.accepted++;
    this.metrics.acceptedInitialPacket();
    const worker = new IoWorker<C, E>({
      ...this.workerSettings,
      connection,
      application,
      host: this,
      clock: this.clock,
      metrics: this.metrics,
      handshakeConnectionIds: [dcid],
      firstReceivedAt: now,
    });
    this.handshaking.add(worker);
    if (!worker.start()) this.handshaking.delete(worker);
  }
}
