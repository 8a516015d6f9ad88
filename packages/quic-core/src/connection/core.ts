/**
 * The state of one connection and the small transitions every part of it uses (key installation and discard,
 * handshake confirmation, closing, idle timer, anti-amplification). `Connection` is the public face; the frame
 * handlers, the packet builder and the receive path are module functions over this object.
 *
 * Internal: not exported from the package.
 *
 * @module
 */
import type { CipherSuiteInfo, CryptoProvider, TlsSession } from '@qk/tls13';
import { derivePacketKeys, initialKeys } from '../crypto/index.js';
import { Cubic, LossDetection, Pacer } from '../recovery/index.js';
import type { CongestionController, CongestionControllerName, PacketNumberSpace } from '../recovery/index.js';
import { StreamManager } from '../streams/manager.js';
import type { StreamControlFrame } from '../streams/manager.js';
import type { TransportParameters } from '../wire/index.js';
import { LocalConnectionIds, PeerConnectionIds } from './cids.js';
import type { ResolvedTransportConfig } from './config.js';
import type { CloseCause, ConnectionEvent } from './events.js';
import { PacketSpace } from './space.js';
import type { SentItem } from './space.js';
import { TimerTable } from './timers.js';
import type { Path } from './types.js';

/** Where a connection stands (RFC 9000 §10.2 names the closing and draining states). */
export type ConnectionState = 'handshaking' | 'established' | 'closing' | 'draining' | 'closed';

/** The error a closing connection reports in its CONNECTION_CLOSE frames. */
export interface CloseError {
  readonly errorCode: number;
  /** For transport errors: the frame type that triggered it (0 when unknown). */
  readonly frameType: number;
  readonly reason: string;
  /** An application close (type 0x1d once 1-RTT keys are in use). */
  readonly application: boolean;
}

/** Counters behind `Connection.stats()`. */
export interface ConnectionCounters {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  datagramsSent: number;
  datagramsReceived: number;
  /** Packets dropped before processing: unparsable, unknown connection ID, no keys, undecryptable, duplicate. */
  packetsDropped: number;
  /** Of those, packets whose protection did not open (corrupted or forged). */
  packetsUndecryptable: number;
  /** Of those, duplicates. */
  packetsDuplicate: number;
  /** DATAGRAM frames received and dropped because the receive queue was full. */
  dgramsDroppedOnReceive: number;
  /** Datagrams `sendDatagram` refused (queue full or too big). */
  dgramsRefused: number;
  dgramsSent: number;
  dgramsReceived: number;
}

/** A FIFO of events that shifts in O(1) amortised. */
export class EventQueue<T> {
  #items: T[] = [];
  #head = 0;

  /** Appends `item`. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns the oldest item, or `undefined`. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }
}

/** What a new connection starts from. */
export interface CoreInit {
  readonly role: 'client' | 'server';
  readonly config: ResolvedTransportConfig;
  readonly provider: CryptoProvider;
  readonly version: number;
  readonly path: Path;
  /** Our handshake Source Connection ID. */
  readonly sourceConnectionId: Uint8Array;
  /** The peer's connection ID to send to (client: random until the server's first Initial). */
  readonly destinationConnectionId: Uint8Array;
  /** The Destination Connection ID the Initial keys derive from. */
  readonly initialDestinationConnectionId: Uint8Array;
  /** The Destination Connection ID of the client's first Initial. */
  readonly originalDestinationConnectionId: Uint8Array;
  /** Server after a Retry: the Retry's Source Connection ID. */
  readonly retrySourceConnectionId?: Uint8Array;
  readonly now: number;
}

/** Smallest amplification budget worth a datagram (below it the server waits for the client). */
export const MIN_AMPLIFICATION_BUDGET = 64;

/** The mutable state of one connection. */
export class ConnectionCore {
  readonly role: 'client' | 'server';
  readonly config: ResolvedTransportConfig;
  readonly provider: CryptoProvider;
  readonly version: number;
  /** Set right after construction (the TLS session needs our transport parameters, which need our IDs). */
  tls!: TlsSession;
  readonly spaces: Readonly<Record<PacketNumberSpace, PacketSpace>>;
  readonly recovery: LossDetection<SentItem[]>;
  readonly pacer: Pacer;
  readonly streams: StreamManager;
  readonly localCids: LocalConnectionIds;
  readonly peerCids: PeerConnectionIds;
  /** The Destination Connection ID the Initial keys derive from (the server accepts Initials sent to it). */
  readonly initialDcid: Uint8Array;
  /** The Destination Connection ID of the client's first Initial. */
  readonly originalDcid: Uint8Array;
  readonly retrySourceCid: Uint8Array | undefined;
  /** The Source Connection ID the peer's Initials carry (client: known after the server's first Initial). */
  peerInitialScid: Uint8Array | undefined;
  path: Path;
  state: ConnectionState = 'handshaking';
  handshakeComplete = false;
  handshakeConfirmed = false;
  /** Server: a HANDSHAKE_DONE frame is due. */
  handshakeDonePending = false;
  /** Whether the peer's address is validated (RFC 9000 §8.1); clients never limit themselves. */
  addressValidated: boolean;
  /** The peer's transport parameters, once received and validated. */
  peerParams: TransportParameters | undefined;
  /** The effective idle timeout in ms (RFC 9000 §10.1), 0 for none. */
  idleTimeout: number;
  /** Whether an ack-eliciting packet went out since the last packet was received (idle timer restart rule). */
  ackElicitingSinceReceive = false;
  closeError: CloseError | undefined;
  /** A CONNECTION_CLOSE must be (re)sent in the closing state. */
  closeDue = false;
  /** Datagrams received in the closing state, and how many more until the next CONNECTION_CLOSE. */
  closeReceived = 0;
  closeNextResponse = 1;
  readonly events = new EventQueue<ConnectionEvent>();
  /** Stream-layer control frames taken from the stream manager and not yet sent. */
  pendingControl: StreamControlFrame[] = [];
  /** PATH_RESPONSE data owed (RFC 9000 §8.2.2). */
  pathResponses: Uint8Array[] = [];
  readonly dgramRecv: Uint8Array[] = [];
  readonly dgramSend: Uint8Array[] = [];
  readonly timers = new TimerTable();
  readonly counters: ConnectionCounters = {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    datagramsSent: 0,
    datagramsReceived: 0,
    packetsDropped: 0,
    packetsUndecryptable: 0,
    packetsDuplicate: 0,
    dgramsDroppedOnReceive: 0,
    dgramsRefused: 0,
    dgramsSent: 0,
    dgramsReceived: 0,
  };
  /** The latest time an input or output call was given. */
  lastNow: number;
  /** The next application packet number to skip (optimistic-ACK defence, RFC 9000 §21.4). */
  nextSkippedPacketNumber: number;
  /** The peer's ack_delay_exponent (default 3 until its transport parameters arrive). */
  peerAckDelayExponent = 3;
  /** Send time of the last datagram (timeSent values stay monotonic under pacing). */
  lastSendTime = -Infinity;
  /** Whether the congestion controller was in a recovery period at the last check. */
  wasInRecovery = false;
  /**
   * One packet may leave regardless of the congestion window: a recovery period just began (RFC 9002 §7.3.2 "a
   * single packet can be sent prior to reduction"), so the lost data goes out at once.
   */
  sendOneAllowance = false;
  /** 1-RTT packets that arrived before the handshake completed, kept to process once it has (RFC 9001 §5.7). */
  earlyOneRtt: Uint8Array[] = [];
  earlyOneRttBytes = 0;

  constructor(init: CoreInit) {
    const c = init.config;
    this.role = init.role;
    this.config = c;
    this.provider = init.provider;
    this.version = init.version;
    this.path = init.path;
    this.lastNow = init.now;
    this.initialDcid = init.initialDestinationConnectionId;
    this.originalDcid = init.originalDestinationConnectionId;
    this.retrySourceCid = init.retrySourceConnectionId;
    this.peerInitialScid = init.role === 'server' ? init.destinationConnectionId : undefined;
    this.addressValidated = init.role === 'client';
    this.idleTimeout = c.maxIdleTimeout;
    const maxCryptoFragments = 256;
    this.spaces = {
      initial: new PacketSpace({ name: 'initial', maxAckDelay: 0, maxCryptoFragments }),
      handshake: new PacketSpace({ name: 'handshake', maxAckDelay: 0, maxCryptoFragments }),
      application: new PacketSpace({ name: 'application', maxAckDelay: c.maxAckDelay, maxCryptoFragments }),
    };
    const keys = initialKeys(init.provider, init.version, init.initialDestinationConnectionId);
    const initial = this.spaces.initial;
    initial.sealKeys = init.role === 'client' ? keys.client : keys.server;
    initial.openKeys = init.role === 'client' ? keys.server : keys.client;

    const random = (): number => {
      const b = init.provider.random(new Uint8Array(4));
      return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 2 ** 32;
    };
    const mds = c.maxSendUdpPayloadSize;
    // CUBIC is built here for its HyStart++ switch; the others by name (BBR then draws on our randomness).
    const congestionControl: CongestionController | CongestionControllerName =
      c.ccAlgorithm === 'cubic'
        ? new Cubic({ maxDatagramSize: mds, initialWindowPackets: c.initialCongestionWindowPackets, hystart: c.enableHystart })
        : c.ccAlgorithm;
    this.recovery = new LossDetection<SentItem[]>({
      isServer: init.role === 'server',
      maxDatagramSize: mds,
      congestionControl,
      initialRtt: c.initialRtt,
      initialWindowPackets: c.initialCongestionWindowPackets,
      random,
    });
    this.pacer = new Pacer({ maxDatagramSize: mds, initialBurstPackets: c.initialCongestionWindowPackets });
    this.streams = new StreamManager(
      init.role,
      {
        initialMaxData: c.initialMaxData,
        maxData: c.maxConnectionWindow,
        initialMaxStreamDataBidiLocal: c.initialMaxStreamDataBidiLocal,
        initialMaxStreamDataBidiRemote: c.initialMaxStreamDataBidiRemote,
        initialMaxStreamDataUni: c.initialMaxStreamDataUni,
        maxStreamData: c.maxStreamWindow,
        initialMaxStreamsBidi: c.initialMaxStreamsBidi,
        initialMaxStreamsUni: c.initialMaxStreamsUni,
        maxOutOfOrderFragments: 1024,
      },
      (e) => this.events.push(e),
    );
    const resetKey = c.statelessResetKey ?? init.provider.random(new Uint8Array(32));
    this.localCids = new LocalConnectionIds(init.provider, resetKey, c.connectionIdLength, init.sourceConnectionId);
    this.peerCids = new PeerConnectionIds(c.activeConnectionIdLimit, init.destinationConnectionId);
    this.nextSkippedPacketNumber = this.#skipDistance();
  }

  /** A random distance to the next skipped packet number: 256 to 2303 packets. */
  #skipDistance(): number {
    const b = this.provider.random(new Uint8Array(2));
    return 256 + (((b[0]! << 8) | b[1]!) & 0x7ff);
  }

  /** Advances the skip point past `pn`. */
  scheduleNextSkip(pn: number): void {
    this.nextSkippedPacketNumber = pn + this.#skipDistance();
  }

  /** Queues an event. */
  emit(event: ConnectionEvent): void {
    this.events.push(event);
  }

  /** True once CONNECTION_CLOSE was sent or received, or the connection is gone. */
  isClosing(): boolean {
    return this.state === 'closing' || this.state === 'draining' || this.state === 'closed';
  }

  /** The largest datagram we may send on the path: our setting capped by the peer's max_udp_payload_size. */
  maxDatagramSize(): number {
    const peer = this.peerParams?.maxUdpPayloadSize ?? Number.POSITIVE_INFINITY;
    return Math.max(1200, Math.min(this.config.maxSendUdpPayloadSize, peer));
  }

  /** Bytes the server may still send before the peer's address is validated (3x what it received, RFC 9000 §8.1). */
  amplificationBudget(): number {
    if (this.addressValidated) return Number.POSITIVE_INFINITY;
    return 3 * this.counters.bytesReceived - this.counters.bytesSent;
  }

  /** Tells recovery whether the anti-amplification limit blocks sending (it then does not arm the PTO). */
  updateAmplificationLimit(now: number): void {
    if (this.role !== 'server') return;
    this.recovery.setAtAmplificationLimit(this.amplificationBudget() < MIN_AMPLIFICATION_BUDGET, now);
  }

  /** The peer's max_ack_delay (ms), 25 until its transport parameters arrive. */
  peerMaxAckDelay(): number {
    return this.peerParams?.maxAckDelay ?? 25;
  }

  /** The probe timeout period without backoff, including max_ack_delay (RFC 9002 §6.2.1). */
  ptoPeriod(): number {
    return this.recovery.rtt.pto(this.peerMaxAckDelay(), true);
  }

  /** Restarts the idle timer (RFC 9000 §10.1): the period, but never less than three PTOs. */
  restartIdleTimer(now: number): void {
    if (this.idleTimeout === 0 || this.isClosing()) {
      this.timers.set('idle', undefined);
      return;
    }
    this.timers.set('idle', now + Math.max(this.idleTimeout, 3 * this.ptoPeriod()));
  }

  /** Installs packet protection keys for `level` from a TLS traffic secret (RFC 9001 §5.1). */
  installKeys(level: 'handshake' | 'oneRtt', direction: 'read' | 'write', suite: CipherSuiteInfo, secret: Uint8Array): void {
    const space = this.spaces[level === 'oneRtt' ? 'application' : 'handshake'];
    if (space.discarded) return;
    const keys = derivePacketKeys(this.provider, this.version, suite, secret);
    if (direction === 'write') space.sealKeys = keys;
    else space.openKeys = keys;
    if (level === 'handshake' && direction === 'write') this.recovery.setHasHandshakeKeys();
  }

  /** Discards a space's keys and in-flight packets (RFC 9001 §4.9, RFC 9002 §6.4). */
  discardSpace(name: PacketNumberSpace, now: number): void {
    const space = this.spaces[name];
    if (space.discarded) return;
    space.discard();
    this.recovery.discardSpace(name, now);
  }

  /** The handshake is confirmed (RFC 9001 §4.1.2): discard Handshake keys and report it. */
  confirmHandshake(now: number): void {
    if (this.handshakeConfirmed) return;
    this.handshakeConfirmed = true;
    this.discardSpace('initial', now);
    this.discardSpace('handshake', now);
    this.recovery.setHandshakeConfirmed(now);
    this.emit({ kind: 'handshakeConfirmed' });
  }

  /**
   * Enters the closing state (RFC 9000 §10.2.1): CONNECTION_CLOSE goes out, then again in answer to packets
   * (rate-limited), for three PTOs.
   */
  enterClosing(error: CloseError, cause: CloseCause, now: number): void {
    if (this.isClosing()) return;
    this.closeError = error;
    this.closeDue = true;
    this.state = 'closing';
    this.#stopTimers();
    this.timers.set('close', now + 3 * this.ptoPeriod());
    this.emit({
      kind: 'connectionClosed',
      cause,
      errorCode: error.errorCode,
      frameType: error.application ? undefined : error.frameType,
      reason: error.reason,
      application: error.application,
      fromPeer: false,
    });
  }

  /** Enters the draining state (RFC 9000 §10.2.2): the peer closed or reset; nothing more is sent. */
  enterDraining(event: Omit<Extract<ConnectionEvent, { kind: 'connectionClosed' }>, 'kind'>, now: number): void {
    if (this.state === 'draining' || this.state === 'closed') return;
    const wasClosing = this.state === 'closing';
    this.state = 'draining';
    this.closeDue = false;
    this.#stopTimers();
    if (!wasClosing) {
      this.timers.set('close', now + 3 * this.ptoPeriod());
      this.emit({ kind: 'connectionClosed', ...event });
    } else if (this.timers.get('close') === undefined) {
      this.timers.set('close', now + 3 * this.ptoPeriod());
    }
  }

  /** Closes at once without sending anything (idle timeout, RFC 9000 §10.1). */
  closeSilently(event: Omit<Extract<ConnectionEvent, { kind: 'connectionClosed' }>, 'kind'> | undefined): void {
    if (this.state === 'closed') return;
    const announced = this.isClosing();
    this.state = 'closed';
    this.closeDue = false;
    this.timers.clear();
    if (!announced && event !== undefined) this.emit({ kind: 'connectionClosed', ...event });
  }

  #stopTimers(): void {
    for (const name of ['idle', 'lossDetection', 'ackDelay', 'keyDiscard', 'pathValidation'] as const) this.timers.set(name, undefined);
  }

  /** Notes the start of a recovery period, which lets one packet bypass the congestion window. */
  checkRecoveryEntry(): void {
    const inRecovery = this.recovery.congestionController.inRecovery();
    if (inRecovery && !this.wasInRecovery) this.sendOneAllowance = true;
    this.wasInRecovery = inRecovery;
  }

  /** Recomputes the timers derived from recovery and the ACK trackers (call after every input and output). */
  refreshTimers(): void {
    if (this.isClosing()) return;
    this.timers.set('lossDetection', this.recovery.lossDetectionTimer());
    let ack: number | undefined;
    for (const space of [this.spaces.initial, this.spaces.handshake, this.spaces.application]) {
      if (!space.canSend()) continue;
      const t = space.ackTracker.ackDeadline();
      // A deadline already reached is served by the next pollTransmit; arming it would spin the caller's timer.
      if (t !== undefined && t > this.lastNow && (ack === undefined || t < ack)) ack = t;
    }
    this.timers.set('ackDelay', ack);
  }
}
