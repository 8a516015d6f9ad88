/**
 * IoWorker: one per connection (tokio-quiche's `IoWorker`). It owns the connection, a bounded mailbox of `Incoming`
 * datagrams, one timer, and the application, and runs DESIGN.md §3's loop in this order each turn:
 *
 * 1. feed every queued `Incoming` to the connection, and fire its timers when their deadline passed;
 * 2. let the application read (only if datagrams arrived or events wait);
 * 3. let the application write;
 * 4. top up connection IDs (when the connection asks for it);
 * 5. gather datagrams with `pollTransmit` and queue them on the socket, which flushes them in one batch at the end
 *    of the turn. After `maxDatagramsPerTurn` datagrams the worker yields (`setImmediate`) so the event loop can
 *    read incoming datagrams (ACKs), and the next turn feeds them first: this is "re-check the mailbox every N
 *    packets" on a single-threaded loop, where nothing can arrive during a synchronous gather;
 * 6. arm its one timer at min(transport deadline, pacing release of a held datagram, handshake deadline),
 *    re-arming only when that deadline changed;
 * 7. sleep until a datagram is delivered, the timer fires, the app calls `wake()`, or the socket becomes writable.
 *
 * Pacing is in user space: a datagram whose `releaseTime` is later than now (plus `pacingSlackMs`) is held and
 * nothing more is polled until the timer releases it. A busy socket is backpressure: the worker stops polling, so
 * the connection keeps every datagram it did not hand out.
 */
import { TransportErrorCode } from '@qk/quic-core';
import type { ApplicationHooks, CloseInfo, ConnectionResult, HandshakeInfo } from './application.js';
import { ConnectionIdMap } from './cid-map.js';
import type { Clock } from './clock.js';
import { monotonicNow } from './clock.js';
import type { IoMetrics } from './metrics.js';
import { noopMetrics } from './metrics.js';
import { BoundedQueue } from './queue.js';
import type { CloseOptions, ConnectionEventLike, Incoming, Path, QuicConnectionLike, SocketAddress, Transmit } from './transport.js';
import { isConnectionClosed, isConnectionIdIssued, isConnectionIdRetired } from './transport.js';
import type { UdpSocket } from './udp-socket.js';

/** What a worker needs from the router of each socket it uses: the messages it sends it. */
export interface WorkerHost {
  /** The socket datagrams leave by. */
  readonly socket: UdpSocket;
  /** The socket's local address (`Incoming.to`). */
  readonly localAddress: SocketAddress;
  /** Route `cid` to `worker`; false when another live worker already owns it. */
  mapConnectionId(cid: Uint8Array, worker: AnyIoWorker): boolean;
  /** Stop routing `cid` to `worker` (a no-op if it routes elsewhere). */
  unmapConnectionId(cid: Uint8Array, worker: AnyIoWorker): void;
  /** `worker` now uses this socket too (migration). */
  attachWorker(worker: AnyIoWorker): void;
  /** `worker` completed its handshake (frees an accept backlog slot). */
  workerEstablished(worker: AnyIoWorker): void;
  /** `worker` ended or left this socket. */
  detachWorker(worker: AnyIoWorker): void;
  /**
   * `worker`'s peer address changed from `previous` to `current` (keys from {@link peerKey}): the router offers
   * unknown short-header datagrams from that address to the worker, since a stateless reset carries an unpredictable
   * connection ID (RFC 9000 §10.3.1).
   */
  peerAddressChanged(worker: AnyIoWorker, previous: string | undefined, current: string): void;
}

/** The key of a peer address in the routers' peer index: `address|port`. */
export function peerKey(a: SocketAddress): string {
  return `${a.address}|${a.port}`;
}

/** Options of an {@link IoWorker}. */
export interface IoWorkerOptions<C, E> {
  readonly connection: C;
  readonly application: ApplicationHooks<C, E>;
  /** The router of the socket the connection starts on. */
  readonly host: WorkerHost;
  /** Default `performance.now()`. */
  readonly clock?: Clock;
  /** Default no-op. */
  readonly metrics?: IoMetrics;
  /** Incoming datagrams queued before new ones are dropped (and counted). Default 1024. */
  readonly mailboxCapacity?: number;
  /** Datagrams sent per turn before yielding to the event loop. Default 64. */
  readonly maxDatagramsPerTurn?: number;
  /** A paced datagram due within this many ms leaves now (timers have 1 ms granularity). Default 1. */
  readonly pacingSlackMs?: number;
  /** Close the connection if the handshake has not completed after this many ms. Default: no limit. */
  readonly handshakeTimeoutMs?: number;
  /**
   * Connection IDs routed here only until the handshake completes: a server's copy of the client's first
   * Destination Connection ID, which the client's retransmitted Initials and 0-RTT packets still carry.
   */
  readonly handshakeConnectionIds?: readonly Uint8Array[];
  /** Server: when the router read the first Initial (for the queueWaiting / handshakeResponse stages). */
  readonly firstReceivedAt?: number;
}

/** Counters of one worker. */
export interface IoWorkerStats {
  readonly turns: number;
  readonly datagramsIn: number;
  readonly datagramsOut: number;
  readonly mailboxDrops: number;
  /** Times the timer was (re-)armed. */
  readonly timerArms: number;
  /** Times the timer fired. */
  readonly timerFires: number;
  /** Calls of `handleTimeout`. */
  readonly timeoutsHandled: number;
  /** Turns that stopped at `maxDatagramsPerTurn` and yielded. */
  readonly yields: number;
  /** Datagrams held for pacing. */
  readonly pacedHolds: number;
}

/** Options of {@link IoWorker.shutdown}. */
export interface WorkerShutdownOptions extends CloseOptions {
  /** Default NO_ERROR. */
  readonly errorCode?: number;
  /** Default `'shutdown'`. */
  readonly reason?: string;
  /** How long to wait for closing and draining before aborting, in ms. Default 2000. */
  readonly deadlineMs?: number;
}

/** The phase of a worker. */
export type WorkerState = 'handshaking' | 'established' | 'closing' | 'finished';

/** An IoWorker of any connection type (what routers hold). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyIoWorker = IoWorker<QuicConnectionLike<any>, any>;

type Timer = ReturnType<typeof setTimeout>;
type Immediate = ReturnType<typeof setImmediate>;

/**
 * The actor that drives one connection. Created by a router (`InboundPacketRouter.spawn` for clients, on accept
 * for servers), never directly by applications.
 *
 * @example
 * const worker = router.spawn(connection, app, { handshakeTimeoutMs: 5000 });
 * const result = await worker.closed;
 */
export class IoWorker<C extends QuicConnectionLike<E>, E extends ConnectionEventLike = ConnectionEventLike> {
  /** The connection this worker drives. */
  readonly connection: C;
  /** Resolves when the worker ended, with how. Never rejects. */
  readonly closed: Promise<ConnectionResult>;
  private readonly app: ApplicationHooks<C, E>;
  private readonly clock: Clock;
  private readonly metrics: IoMetrics;
  private readonly mailbox: BoundedQueue<Incoming>;
  private readonly maxPerTurn: number;
  private readonly slack: number;
  private readonly handshakeTimeoutMs: number | undefined;
  private readonly firstReceivedAt: number | undefined;
  private hosts: WorkerHost[];
  private readonly cids = new ConnectionIdMap<true>();
  private handshakeCids: Uint8Array[];
  private readonly events: E[] = [];
  private resolveClosed!: (r: ConnectionResult) => void;
  private phase: WorkerState = 'handshaking';
  private started = false;
  private startedAt = 0;
  private lastNow = 0;
  private immediate: Immediate | undefined;
  private timer: Timer | undefined;
  private timerDeadline: number | undefined;
  private held: Transmit | undefined;
  private lastPath: Path | undefined;
  private peerAddress: SocketAddress | undefined;
  private peer: string | undefined;
  private closeInfo: CloseInfo | undefined;
  private applicationError: unknown;
  private applicationFailed = false;
  private handshakeTimedOut = false;
  private sentFirst = false;
  private establishedFlag = false;
  private result: ConnectionResult | undefined;
  private counters = { turns: 0, datagramsIn: 0, datagramsOut: 0, mailboxDrops: 0, timerArms: 0, timerFires: 0, timeoutsHandled: 0, yields: 0, pacedHolds: 0 };

  /** @throws RangeError for a bad option */
  constructor(options: IoWorkerOptions<C, E>) {
    this.connection = options.connection;
    this.app = options.application;
    this.hosts = [options.host];
    this.clock = options.clock ?? monotonicNow;
    this.metrics = options.metrics ?? noopMetrics;
    this.mailbox = new BoundedQueue(options.mailboxCapacity ?? 1024);
    this.maxPerTurn = options.maxDatagramsPerTurn ?? 64;
    if (!Number.isInteger(this.maxPerTurn) || this.maxPerTurn < 1) throw new RangeError(`maxDatagramsPerTurn must be an integer >= 1, got ${this.maxPerTurn}`);
    this.slack = options.pacingSlackMs ?? 1;
    if (!(this.slack >= 0)) throw new RangeError(`pacingSlackMs must be >= 0, got ${this.slack}`);
    this.handshakeTimeoutMs = options.handshakeTimeoutMs;
    if (this.handshakeTimeoutMs !== undefined && !(this.handshakeTimeoutMs > 0)) throw new RangeError(`handshakeTimeoutMs must be > 0, got ${this.handshakeTimeoutMs}`);
    this.firstReceivedAt = options.firstReceivedAt;
    this.handshakeCids = (options.handshakeConnectionIds ?? []).map((c) => new Uint8Array(c));
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** The phase: handshaking, established, closing (CONNECTION_CLOSE seen or sent), finished. */
  get state(): WorkerState {
    return this.phase;
  }

  /** The router of the socket the worker sends on by default. */
  get host(): WorkerHost {
    return this.hosts[0]!;
  }

  /** The peer address last seen (`peerKey` form), if any: the key routers index this worker under. */
  get peerAddressKey(): string | undefined {
    return this.peer;
  }

  /** Counters. */
  stats(): IoWorkerStats {
    return { ...this.counters };
  }

  /**
   * Starts the worker: maps its connection IDs and schedules the first turn. Called once by the router that
   * created it. Returns false (and finishes the worker as failed) when a connection ID is already taken.
   */
  start(): boolean {
    if (this.started) return true;
    this.started = true;
    this.startedAt = this.clock();
    this.lastNow = this.startedAt;
    this.metrics.connectionsInMemory(1);
    const host = this.hosts[0]!;
    host.attachWorker(this);
    try {
      for (const cid of this.connection.sourceConnectionIds()) {
        if (!this.mapCid(cid)) throw new Error('connection ID already routed to another connection');
      }
      for (const cid of this.handshakeCids) {
        if (!host.mapConnectionId(cid, this)) throw new Error('connection ID already routed to another connection');
      }
    } catch (error) {
      this.finish({ kind: 'failed', error });
      return false;
    }
    this.schedule();
    return true;
  }

  /**
   * Router → worker: queue a datagram. False when the mailbox is full or the worker ended (the caller counts the
   * drop; QUIC recovers it as loss).
   */
  deliver(incoming: Incoming): boolean {
    if (this.result !== undefined || !this.mailbox.push(incoming)) {
      if (this.result === undefined) this.counters.mailboxDrops++;
      return false;
    }
    this.schedule();
    return true;
  }

  /** Schedules one more turn (the app's `wake()`). */
  readonly wake = (): void => {
    this.schedule();
  };

  /** Closes the connection with CONNECTION_CLOSE; the worker ends once it has drained. */
  close(errorCode: number = TransportErrorCode.NO_ERROR, reason = '', options: CloseOptions = {}): void {
    if (this.result !== undefined) return;
    try {
      this.connection.close(errorCode, reason, options);
    } catch (error) {
      this.finish({ kind: 'failed', error });
      return;
    }
    this.schedule();
  }

  /**
   * Graceful shutdown of this connection: close, wait for draining, abort at the deadline. Resolves with the
   * result; nothing (timer, mapping) is left behind either way.
   */
  shutdown(options: WorkerShutdownOptions = {}): Promise<ConnectionResult> {
    if (this.result !== undefined) return this.closed;
    const { errorCode = TransportErrorCode.NO_ERROR, reason = 'shutdown', deadlineMs = 2000 } = options;
    this.close(errorCode, reason, options.application === undefined ? {} : { application: options.application });
    if (this.result !== undefined) return this.closed;
    const deadline = setTimeout(() => this.abort('shutdown deadline'), deadlineMs);
    return this.closed.finally(() => clearTimeout(deadline));
  }

  /** Stops at once: no more datagrams, no draining. The result is `aborted`. */
  abort(reason = 'aborted'): void {
    this.finish({ kind: 'aborted', reason });
  }

  /**
   * Moves the connection to another socket (client migration): its connection IDs are routed there too, it
   * becomes the default socket, and the connection is told (`migrateTo`). The old socket keeps routing until
   * {@link detach} so packets in flight still arrive.
   */
  migrate(host: WorkerHost): void {
    if (this.result !== undefined) return;
    const i = this.hosts.indexOf(host);
    if (i < 0) {
      host.attachWorker(this);
      for (const [cid] of this.cids.entries()) host.mapConnectionId(cid, this);
      if (this.peer !== undefined) host.peerAddressChanged(this, undefined, this.peer);
      this.hosts.unshift(host);
    } else {
      this.hosts.splice(i, 1);
      this.hosts.unshift(host);
    }
    try {
      this.connection.migrateTo?.(host.localAddress, this.now());
    } catch (error) {
      this.finish({ kind: 'failed', error });
      return;
    }
    this.schedule();
  }

  /** Stops using `host`'s socket (after a migration). The last socket cannot be detached. */
  detach(host: WorkerHost): void {
    const i = this.hosts.indexOf(host);
    if (i < 0 || this.hosts.length === 1) return;
    this.hosts.splice(i, 1);
    for (const [cid] of this.cids.entries()) host.unmapConnectionId(cid, this);
    for (const cid of this.handshakeCids) host.unmapConnectionId(cid, this);
    host.detachWorker(this);
  }

  private now(): number {
    const t = this.clock();
    if (t > this.lastNow) this.lastNow = t;
    return this.lastNow;
  }

  private schedule(): void {
    if (this.immediate === undefined && this.result === undefined && this.started) this.immediate = setImmediate(this.runTurn);
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerDeadline = undefined;
    this.counters.timerFires++;
    if (this.immediate !== undefined) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    this.runTurn();
  };

  private readonly runTurn = (): void => {
    this.immediate = undefined;
    if (this.result !== undefined) return;
    this.counters.turns++;
    try {
      this.turn();
    } catch (error) {
      this.finish({ kind: 'failed', error });
    }
  };

  private turn(): void {
    const conn = this.connection;
    const now = this.now();
    if (this.counters.turns === 1 && this.firstReceivedAt !== undefined) {
      this.metrics.handshakeTime('queueWaiting', Math.max(0, now - this.firstReceivedAt));
    }
    // 1. Feed the mailbox, then the transport's timers.
    const received = this.feedMailbox(now);
    const deadline = conn.pollTimeout();
    if (deadline !== undefined && now >= deadline) {
      this.counters.timeoutsHandled++;
      conn.handleTimeout(now);
    }
    if (this.phase === 'handshaking' && this.handshakeTimeoutMs !== undefined && !this.handshakeTimedOut && now >= this.startedAt + this.handshakeTimeoutMs) {
      this.handshakeTimedOut = true;
      conn.close(TransportErrorCode.NO_ERROR, 'handshake timeout');
    }
    this.drainEvents();
    if (this.phase === 'handshaking' && (conn.isEstablished() || this.establishedFlag)) this.onEstablished(now);
    // 2, 3. The application reads, then writes.
    if (this.phase === 'established' && !this.applicationFailed && this.app.shouldAct()) {
      if (received > 0 || this.events.length > 0) {
        this.callApp(() => this.app.processReads(conn, this.events));
        this.events.length = 0;
      }
      if (this.phase === 'established' && !this.applicationFailed) this.callApp(() => this.app.processWrites(conn));
      this.drainEvents();
    }
    // 4. Connection IDs.
    if (this.phase !== 'closing' && conn.topUpConnectionIds !== undefined) {
      conn.topUpConnectionIds(now);
      this.drainEvents();
    }
    // 5. Gather and flush.
    const more = this.gather(now);
    this.drainEvents();
    if (conn.isClosed()) {
      this.finish(this.naturalResult());
      return;
    }
    if (more || (this.phase === 'established' && this.events.length > 0 && !this.applicationFailed && this.app.shouldAct())) {
      if (more) this.counters.yields++;
      this.schedule();
    }
    // 6. One timer.
    this.armTimer();
  }

  /**
   * Feeds the mailbox at the turn's `now` (as quiche and tokio-quiche do), not at each `receivedAt`: the time the
   * connection sees never goes backwards across inputs. `receivedAt` stays available for metrics and qlog.
   */
  private feedMailbox(now: number): number {
    let n = 0;
    let incoming: Incoming | undefined;
    while ((incoming = this.mailbox.shift()) !== undefined) {
      this.connection.handleDatagram(incoming.data, this.pathOf(incoming), now);
      n++;
    }
    this.counters.datagramsIn += n;
    return n;
  }

  private pathOf(incoming: Incoming): Path {
    const p = this.lastPath;
    const from = incoming.from;
    if (p !== undefined && p.local === incoming.to && p.remote.port === from.port && p.remote.address === from.address) return p;
    this.lastPath = { local: incoming.to, remote: { address: from.address, port: from.port } };
    this.notePeer(this.lastPath.remote);
    return this.lastPath;
  }

  private drainEvents(): void {
    let e: E | undefined;
    while ((e = this.connection.pollEvent()) !== undefined) {
      if (isConnectionIdIssued(e)) this.mapCid(e.connectionId);
      else if (isConnectionIdRetired(e)) this.unmapCid(e.connectionId);
      else if (e.kind === 'handshakeCompleted') this.establishedFlag = true;
      else if (isConnectionClosed(e)) {
        this.closeInfo ??= { errorCode: e.errorCode, reason: e.reason, application: e.application ?? false, fromPeer: e.fromPeer ?? false };
        if (this.phase !== 'finished') this.phase = 'closing';
      }
      this.events.push(e);
    }
  }

  private onEstablished(now: number): void {
    this.phase = 'established';
    this.establishedFlag = true;
    this.metrics.handshakeTime('handshakeProtocol', now - this.startedAt);
    for (const host of this.hosts) {
      for (const cid of this.handshakeCids) host.unmapConnectionId(cid, this);
      host.workerEstablished(this);
    }
    this.handshakeCids = [];
    const info: HandshakeInfo = { startedAt: this.startedAt, establishedAt: now, handshakeDurationMs: now - this.startedAt, wake: this.wake };
    this.callApp(() => this.app.onConnEstablished(this.connection, info));
  }

  private callApp(hook: () => void): void {
    try {
      hook();
    } catch (error) {
      this.applicationFailed = true;
      this.applicationError = error;
      const message = error instanceof Error ? error.message : String(error);
      this.connection.close(TransportErrorCode.INTERNAL_ERROR, `application error: ${message}`.slice(0, 200));
    }
  }

  /** Returns true when it stopped at the per-turn cap (more may be waiting). */
  private gather(now: number): boolean {
    let n = 0;
    for (;;) {
      if (n >= this.maxPerTurn) return true;
      let t = this.held;
      if (t === undefined) {
        const socket = this.hosts[0]!.socket;
        if (!socket.writable) {
          socket.whenWritable(this.wake);
          return false;
        }
        t = this.connection.pollTransmit(now);
        if (t === undefined) return false;
      }
      if (t.releaseTime !== undefined && t.releaseTime > now + this.slack) {
        if (this.held !== t) this.counters.pacedHolds++;
        this.held = t;
        return false;
      }
      const socket = this.socketFor(t.path.local);
      if (!socket.writable) {
        this.held = t;
        socket.whenWritable(this.wake);
        return false;
      }
      this.held = undefined;
      this.notePeer(t.path.remote);
      socket.send(t.data, t.path.remote);
      n++;
      this.counters.datagramsOut++;
      if (!this.sentFirst) {
        this.sentFirst = true;
        if (this.firstReceivedAt !== undefined) this.metrics.handshakeTime('handshakeResponse', Math.max(0, now - this.firstReceivedAt));
      }
    }
  }

  private notePeer(remote: SocketAddress): void {
    const known = this.peerAddress;
    if (known !== undefined && known.port === remote.port && known.address === remote.address) return;
    const previous = this.peer;
    this.peerAddress = remote;
    this.peer = peerKey(remote);
    for (const host of this.hosts) host.peerAddressChanged(this, previous, this.peer);
  }

  private socketFor(local: SocketAddress): UdpSocket {
    const hosts = this.hosts;
    if (hosts.length === 1) return hosts[0]!.socket;
    let portMatch: WorkerHost | undefined;
    for (const h of hosts) {
      if (h.localAddress.port !== local.port) continue;
      if (h.localAddress.address === local.address) return h.socket;
      portMatch ??= h;
    }
    return (portMatch ?? hosts[0]!).socket;
  }

  private armTimer(): void {
    let deadline = this.connection.pollTimeout();
    const held = this.held;
    if (held?.releaseTime !== undefined && (deadline === undefined || held.releaseTime < deadline)) deadline = held.releaseTime;
    if (this.phase === 'handshaking' && this.handshakeTimeoutMs !== undefined && !this.handshakeTimedOut) {
      const hs = this.startedAt + this.handshakeTimeoutMs;
      if (deadline === undefined || hs < deadline) deadline = hs;
    }
    if (deadline === this.timerDeadline) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.timerDeadline = deadline;
    if (deadline === undefined) return;
    // Node's timers have 1 ms granularity and may fire up to 1 ms early against performance.now(): round up,
    // and a turn that finds the deadline not reached yet simply re-arms.
    const delay = Math.max(1, Math.ceil(deadline - this.clock()));
    this.timer = setTimeout(this.onTimer, delay);
    this.counters.timerArms++;
  }

  private mapCid(cid: Uint8Array): boolean {
    if (this.cids.has(cid)) return true;
    let ok = true;
    for (const host of this.hosts) ok = host.mapConnectionId(cid, this) && ok;
    if (ok) this.cids.set(cid, true);
    return ok;
  }

  private unmapCid(cid: Uint8Array): void {
    if (!this.cids.delete(cid)) return;
    for (const host of this.hosts) host.unmapConnectionId(cid, this);
  }

  private naturalResult(): ConnectionResult {
    if (this.handshakeTimedOut && !this.establishedFlag) return { kind: 'handshakeTimedOut' };
    return {
      kind: 'closed',
      established: this.establishedFlag,
      close: this.closeInfo,
      ...(this.applicationFailed ? { applicationError: this.applicationError } : {}),
    };
  }

  private finish(result: ConnectionResult): void {
    if (this.result !== undefined) return;
    this.result = result;
    const wasEstablished = this.establishedFlag;
    this.phase = 'finished';
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    for (const host of this.hosts) {
      for (const [cid] of this.cids.entries()) host.unmapConnectionId(cid, this);
      for (const cid of this.handshakeCids) host.unmapConnectionId(cid, this);
      host.detachWorker(this);
    }
    this.cids.clear();
    this.handshakeCids = [];
    this.mailbox.clear();
    this.held = undefined;
    if (this.started) this.metrics.connectionsInMemory(-1);
    if (this.closeInfo !== undefined) this.metrics.connectionClosed(this.closeInfo);
    if (!wasEstablished) {
      this.metrics.failedHandshake(result.kind === 'handshakeTimedOut' ? 'timeout' : result.kind === 'aborted' ? 'aborted' : 'connectionClosed');
    }
    try {
      this.app.onConnClose(this.connection, result);
    } catch {
      // The connection is gone; an error from the app's last hook has nowhere to go.
    }
    this.events.length = 0;
    this.resolveClosed(result);
  }
}
