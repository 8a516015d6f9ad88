/**
 * Datagram Packetization Layer Path MTU Discovery (DPLPMTUD, RFC 8899) as RFC 9000 §14.3 applies it to QUIC: a pure
 * state machine, one per path, that tells the Connection which probe to send (a PING + PADDING packet of a given
 * UDP payload size, RFC 9000 §14.4) and learns from the probes' fate and from the fate of ordinary packets.
 *
 * Sizes here are maximum UDP payload sizes in bytes (RFC 9000's "maximum datagram size", RFC 8899's PLPMTU), not
 * IP MTUs. Time is the Connection's monotonic `now` in milliseconds.
 *
 * State machine (RFC 8899 §5.2, Figure 5): the handshake confirms BASE_PLPMTU (RFC 9000 §14.1: Initials are padded
 * to 1200 bytes), so a new instance starts in Searching. A search ends in SearchComplete; the raise timer starts a
 * new search. A black hole (full-sized packets lost while smaller ones get through) drops the PLPMTU back to the
 * base and enters Base, which re-confirms the base with probes; if even those fail the path is in Error: per
 * RFC 9000 §14 it cannot carry QUIC, and the Connection should send nothing but probes and CONNECTION_CLOSE on it.
 */

/** The DPLPMTUD states by their RFC 8899 §5.2 names. */
export const PmtudState = {
  /** DPLPMTUD is off: the PLPMTU stays at the base. */
  DISABLED: 'disabled',
  /** Confirming the base size with probes after a black hole, or waiting to search again. */
  BASE: 'base',
  /** Probing larger sizes. */
  SEARCHING: 'searching',
  /** The search is over; the raise timer restarts it. */
  SEARCH_COMPLETE: 'searchComplete',
  /** Even the base size does not get through: the path cannot carry QUIC. */
  ERROR: 'error',
} as const;

/** A DPLPMTUD state. */
export type PmtudStateName = (typeof PmtudState)[keyof typeof PmtudState];

/** BASE_PLPMTU for QUIC: the smallest maximum datagram size every QUIC path supports (RFC 9000 §14.3). */
export const BASE_PLPMTU = 1200;

/** The largest UDP payload over IPv6 on a 1500-byte Ethernet path: 1500 - 40 (IPv6) - 8 (UDP). */
export const IPV6_SAFE_MAX_PLPMTU = 1452;

/** The largest UDP payload there is (and the default of max_udp_payload_size, RFC 9000 §18.2). */
export const MAX_UDP_PAYLOAD_SIZE = 65527;

/** MAX_PROBES: unacknowledged probes of one size before that size counts as failed (RFC 8899 §5.1.2). */
export const MAX_PROBES = 3;

/** PMTU_RAISE_TIMER: how long a completed search stands before the next one, 600 s (RFC 8899 §5.1.1). */
export const PMTU_RAISE_TIMER = 600_000;

/**
 * PROBE_TIMER as RFC 8899 §5.1.1 bounds it ("MUST NOT be smaller than 1 second, and SHOULD be larger than 15
 * seconds"): here, how long the Error state waits between probes of the base size. (QUIC's loss detection, not a
 * probe timer, declares probes lost.)
 */
export const PROBE_TIMER = 15_000;

/** qk default: a search stops when the unexplored gap is at most this many bytes. */
export const DEFAULT_SEARCH_GRANULARITY = 20;

/**
 * qk default: suspicious losses of full-sized packets that make a black hole. 4 rather than 3: with acknowledgements
 * reported before the losses they reveal, 3 gave rare false alarms at 40% random loss in qk's model, 4 gave none.
 */
export const DEFAULT_BLACK_HOLE_THRESHOLD = 4;

/** qk default: after a black hole, wait this long before searching again (so a flapping path does not oscillate). */
export const DEFAULT_BLACK_HOLE_RESEARCH_DELAY = 60_000;

/** Settings of a {@link Pmtud}. Every field has a default. */
export interface PmtudOptions {
  /** Run DPLPMTUD at all (default true). When false the PLPMTU stays at {@link BASE_PLPMTU}. */
  readonly enabled?: boolean;
  /**
   * The largest UDP payload this endpoint will send: its own max_udp_payload_size or interface limit. Default
   * {@link IPV6_SAFE_MAX_PLPMTU}; between 1200 and 65527.
   */
  readonly maxPlpmtu?: number;
  /** The peer's max_udp_payload_size transport parameter, when already known (see {@link Pmtud.onPeerMaxUdpPayloadSize}). */
  readonly peerMaxUdpPayloadSize?: number;
  /** Stop the search when the gap between a confirmed and a failed size is at most this (bytes, ≥ 1). */
  readonly searchGranularity?: number;
  /** MAX_PROBES (≥ 1). */
  readonly maxProbes?: number;
  /** PMTU_RAISE_TIMER in milliseconds. */
  readonly raiseTimer?: number;
  /** The Error state's re-probe interval in milliseconds (≥ 1000, RFC 8899 §5.1.1). */
  readonly probeTimer?: number;
  /** Suspicious full-sized losses that make a black hole (≥ 1). */
  readonly blackHoleThreshold?: number;
  /** Delay in milliseconds between a black hole and the next search. */
  readonly blackHoleResearchDelay?: number;
}

/** Counters for `stats()`. */
export interface PmtudStats {
  readonly probesSent: number;
  readonly probesAcked: number;
  readonly probesLost: number;
  readonly blackHolesDetected: number;
}

function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
  return value;
}

function checkDuration(name: string, value: number, min = 0): number {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a finite number ≥ ${min}, not ${value}`);
  return value;
}

/**
 * DPLPMTUD for one path.
 *
 * Call order for the Connection: when it can send a packet, `probeSize(now)`; if that gives a size and congestion
 * control allows, send a PING + PADDING packet of exactly that UDP payload size and call `onProbeSent(size, now)`.
 * Report the probe's fate from loss detection with `onProbeAcked` / `onProbeLost` (a probe's loss is not a
 * congestion signal, RFC 9000 §14.4). Report every other ack-eliciting packet's fate with `onPacketAcked` /
 * `onPacketLost` (acknowledgements of an ACK frame before the losses it reveals, as RFC 9002 §A.7 orders them).
 * Never send a non-probe packet larger than `currentMtu`. Arm a timer at `timeout()` and call `onTimeout(now)`.
 *
 * @example
 * const pmtud = new Pmtud({ maxPlpmtu: 1452, peerMaxUdpPayloadSize: peer.maxUdpPayloadSize });
 * const size = pmtud.probeSize(now);
 * if (size !== undefined && cc.canSend(size)) { sendPingPadded(size); pmtud.onProbeSent(size, now); }
 */
export class Pmtud {
  private _state: PmtudStateName;
  private _current = BASE_PLPMTU;
  private readonly localMax: number;
  private _max: number;
  private readonly granularity: number;
  private readonly maxProbes: number;
  private readonly raiseTimer: number;
  private readonly probeTimer: number;
  private readonly blackHoleThreshold: number;
  private readonly researchDelay: number;

  /** Largest size known to work in the current search (the PLPMTU). */
  private lo = BASE_PLPMTU;
  /** Smallest size known to fail in the current search, or max + 1. */
  private hi = BASE_PLPMTU + 1;
  /** The size to probe next (Searching), when there is one. */
  private candidate: number | undefined;
  /** The probe in flight, if any: one at a time. */
  private inFlight: number | undefined;
  /** Consecutive unacknowledged probes of the current size. */
  private failures = 0;
  /** Raise timer (SearchComplete), next base probe (Base, Error), or the research time (Base, base confirmed). */
  private deadline = Number.POSITIVE_INFINITY;
  /** Base: false while the base size is being re-confirmed after a black hole. */
  private baseConfirmed = true;
  /** When the search may resume after a black hole. */
  private researchAt = Number.NEGATIVE_INFINITY;

  // Black-hole detection: a run of suspicious losses of packets larger than the base.
  private bhCount = 0;
  private bhFirstSent = Number.POSITIVE_INFINITY;
  private bhMinLost = Number.POSITIVE_INFINITY;
  private bigAckSent = Number.NEGATIVE_INFINITY;
  private bigAckSize = 0;
  private smallAckSent = Number.NEGATIVE_INFINITY;

  private probesSent = 0;
  private probesAcked = 0;
  private probesLost = 0;
  private blackHoles = 0;

  /** @throws RangeError for an option outside its range */
  constructor(options: PmtudOptions = {}) {
    this.localMax = checkInteger('maxPlpmtu', options.maxPlpmtu ?? IPV6_SAFE_MAX_PLPMTU, BASE_PLPMTU, MAX_UDP_PAYLOAD_SIZE);
    const peer = options.peerMaxUdpPayloadSize;
    this._max =
      peer === undefined
        ? this.localMax
        : Math.min(this.localMax, checkInteger('peerMaxUdpPayloadSize', peer, BASE_PLPMTU, Number.MAX_SAFE_INTEGER));
    this.granularity = checkInteger('searchGranularity', options.searchGranularity ?? DEFAULT_SEARCH_GRANULARITY, 1);
    this.maxProbes = checkInteger('maxProbes', options.maxProbes ?? MAX_PROBES, 1);
    this.raiseTimer = checkDuration('raiseTimer', options.raiseTimer ?? PMTU_RAISE_TIMER);
    this.probeTimer = checkDuration('probeTimer', options.probeTimer ?? PROBE_TIMER, 1000);
    this.blackHoleThreshold = checkInteger('blackHoleThreshold', options.blackHoleThreshold ?? DEFAULT_BLACK_HOLE_THRESHOLD, 1);
    this.researchDelay = checkDuration('blackHoleResearchDelay', options.blackHoleResearchDelay ?? DEFAULT_BLACK_HOLE_RESEARCH_DELAY);
    if (options.enabled === false || this._max <= BASE_PLPMTU) {
      this._state = PmtudState.DISABLED;
    } else {
      this._state = PmtudState.SEARCHING;
      this.startSearch(Number.NEGATIVE_INFINITY);
    }
  }

  /** The current state. */
  get state(): PmtudStateName {
    return this._state;
  }

  /** The PLPMTU: the largest UDP payload the Connection may send in non-probe packets on this path. */
  get currentMtu(): number {
    return this._current;
  }

  /** MAX_PLPMTU: the search ceiling, the smaller of the local maximum and the peer's max_udp_payload_size. */
  get maxMtu(): number {
    return this._max;
  }

  /** The size of the probe in flight, if any. */
  get probeInFlight(): number | undefined {
    return this.inFlight;
  }

  /** Counters for the connection's statistics. */
  stats(): PmtudStats {
    return {
      probesSent: this.probesSent,
      probesAcked: this.probesAcked,
      probesLost: this.probesLost,
      blackHolesDetected: this.blackHoles,
    };
  }

  /**
   * The UDP payload size of the probe to send now, or `undefined` when no probe is due (disabled, search complete,
   * a probe in flight, or waiting for a timer). Applies expired timers first, as {@link Pmtud.onTimeout} would.
   */
  probeSize(now: number): number | undefined {
    this.onTimeout(now);
    if (this.inFlight !== undefined) return undefined;
    switch (this._state) {
      case PmtudState.SEARCHING:
        return this.candidate;
      case PmtudState.BASE:
        return !this.baseConfirmed && this.deadline <= now ? BASE_PLPMTU : undefined;
      case PmtudState.ERROR:
        return this.deadline <= now ? BASE_PLPMTU : undefined;
      default:
        return undefined;
    }
  }

  /**
   * Records that the probe {@link Pmtud.probeSize} asked for was sent.
   *
   * @throws RangeError if `size` is not the size `probeSize(now)` gives
   */
  onProbeSent(size: number, now: number): void {
    const expected = this.probeSize(now);
    if (expected === undefined || size !== expected) {
      throw new RangeError(`onProbeSent(${size}): the probe due now is ${expected === undefined ? 'none' : expected}`);
    }
    this.inFlight = size;
    this.probesSent++;
  }

  /** The probe of `size` was acknowledged: the path carries datagrams of that size. Stale reports are ignored. */
  onProbeAcked(size: number, now: number): void {
    if (this.inFlight === undefined || size !== this.inFlight) return;
    this.inFlight = undefined;
    this.probesAcked++;
    this.failures = 0;
    switch (this._state) {
      case PmtudState.SEARCHING:
        this.lo = size;
        this.setCurrent(size);
        this.candidate = this.nextCandidate();
        if (this.candidate === undefined) this.completeSearch(now);
        return;
      case PmtudState.BASE:
      case PmtudState.ERROR:
        this._state = PmtudState.BASE;
        this.baseConfirmed = true;
        if (this.researchAt <= now) this.startSearch(now);
        else this.deadline = this.researchAt;
        return;
      default:
        return;
    }
  }

  /** Loss detection declared the probe of `size` lost. Stale reports are ignored. */
  onProbeLost(size: number, now: number): void {
    if (this.inFlight === undefined || size !== this.inFlight) return;
    this.inFlight = undefined;
    this.probesLost++;
    this.failures++;
    switch (this._state) {
      case PmtudState.SEARCHING:
        if (this.failures < this.maxProbes) return;
        this.failures = 0;
        this.hi = size;
        this.candidate = this.nextCandidate();
        if (this.candidate === undefined) this.completeSearch(now);
        return;
      case PmtudState.BASE:
        if (this.failures < this.maxProbes) {
          this.deadline = Number.NEGATIVE_INFINITY;
          return;
        }
        this.failures = 0;
        this._state = PmtudState.ERROR;
        this.deadline = now + this.probeTimer;
        return;
      case PmtudState.ERROR:
        this.deadline = now + this.probeTimer;
        return;
      default:
        return;
    }
  }

  /**
   * An ordinary (non-probe) packet was acknowledged.
   *
   * @param size its UDP payload size (for a coalesced datagram, the datagram's)
   * @param sentTime when it was sent (RFC 9002 time_sent)
   */
  onPacketAcked(size: number, sentTime: number): void {
    if (size > BASE_PLPMTU) {
      if (sentTime >= this.bigAckSent) {
        this.bigAckSent = sentTime;
        this.bigAckSize = size;
      }
      // A packet at least as large as the smallest suspicious loss, sent after the run began, got through.
      if (this.bhCount > 0 && sentTime >= this.bhFirstSent && size >= this.bhMinLost) this.resetBlackHoleRun();
    } else if (sentTime > this.smallAckSent) {
      this.smallAckSent = sentTime;
    }
  }

  /**
   * An ordinary (non-probe) packet was declared lost. A run of such losses of packets larger than the base, with no
   * equally large packet sent later getting through while smaller ones do, is a black hole: the PLPMTU falls back
   * to the base and the search starts again after a delay.
   *
   * Report the losses an ACK frame reveals after the acknowledgements of that frame (RFC 9002 §A.7 order): a loss
   * reported before the acknowledgement of a later full-sized packet in the same frame can count as suspicious.
   *
   * @param size its UDP payload size
   * @param sentTime when it was sent
   * @param now the current time
   */
  onPacketLost(size: number, sentTime: number, now: number): void {
    if (size <= BASE_PLPMTU || this._current <= BASE_PLPMTU) return;
    if (this._state !== PmtudState.SEARCHING && this._state !== PmtudState.SEARCH_COMPLETE) return;
    // Not suspicious if a packet at least this large, sent no earlier, was acknowledged.
    if (this.bigAckSent >= sentTime && this.bigAckSize >= size) return;
    this.bhCount++;
    if (sentTime < this.bhFirstSent) this.bhFirstSent = sentTime;
    if (size < this.bhMinLost) this.bhMinLost = size;
    if (this.bhCount >= this.blackHoleThreshold && this.smallAckSent > this.bhFirstSent) this.onBlackHole(now);
  }

  /**
   * The peer's max_udp_payload_size transport parameter arrived: it caps the search (RFC 9000 §18.2). Lowers the
   * PLPMTU if it is above the new ceiling.
   *
   * @param size the peer's max_udp_payload_size
   * @param now the current time (starts the raise timer if the search is thereby complete)
   * @throws RangeError if `size` is below 1200 (transport parameter validation rejects such values)
   */
  onPeerMaxUdpPayloadSize(size: number, now: number): void {
    checkInteger('peerMaxUdpPayloadSize', size, BASE_PLPMTU);
    const max = Math.min(this.localMax, size);
    if (max >= this._max) return;
    this._max = max;
    if (this._current > max) this.setCurrent(max);
    if (this.lo > max) this.lo = max;
    if (this.hi > max + 1) this.hi = max + 1;
    if (this._state === PmtudState.SEARCHING && this.inFlight !== undefined) {
      // The search probe in flight was chosen under the old ceiling: forget it (its report will be ignored).
      this.inFlight = undefined;
      this.failures = 0;
    }
    if (max <= BASE_PLPMTU) {
      this._state = PmtudState.DISABLED;
      this.inFlight = undefined;
      this.candidate = undefined;
      this.deadline = Number.POSITIVE_INFINITY;
      return;
    }
    if (this._state === PmtudState.SEARCHING) {
      this.candidate = this.nextCandidate();
      if (this.candidate === undefined) this.completeSearch(now);
    }
  }

  /** The next time {@link Pmtud.onTimeout} has work to do, or `undefined`. */
  timeout(): number | undefined {
    if (this._state === PmtudState.DISABLED || this._state === PmtudState.SEARCHING) return undefined;
    return Number.isFinite(this.deadline) ? this.deadline : undefined;
  }

  /** Fires expired timers: the raise timer restarts the search; Base and Error timers make a probe due. */
  onTimeout(now: number): void {
    if (!(this.deadline <= now)) return;
    switch (this._state) {
      case PmtudState.SEARCH_COMPLETE:
        this.startSearch(now);
        return;
      case PmtudState.BASE:
        if (this.baseConfirmed) this.startSearch(now);
        else this.deadline = Number.NEGATIVE_INFINITY;
        return;
      case PmtudState.ERROR:
        this.deadline = Number.NEGATIVE_INFINITY;
        return;
      default:
        return;
    }
  }

  private setCurrent(size: number): void {
    this._current = size;
    this.resetBlackHoleRun();
  }

  private resetBlackHoleRun(): void {
    this.bhCount = 0;
    this.bhFirstSent = Number.POSITIVE_INFINITY;
    this.bhMinLost = Number.POSITIVE_INFINITY;
  }

  /** The next size to probe: the maximum first, then the midpoint of the unexplored gap. */
  private nextCandidate(): number | undefined {
    if (this.lo >= this._max) return undefined;
    if (this.hi > this._max) return this._max;
    if (this.hi - this.lo <= this.granularity) return undefined;
    return Math.floor((this.lo + this.hi) / 2);
  }

  private startSearch(now: number): void {
    this._state = PmtudState.SEARCHING;
    this.deadline = Number.POSITIVE_INFINITY;
    this.failures = 0;
    this.lo = this._current;
    this.hi = this._max + 1;
    this.candidate = this.nextCandidate();
    if (this.candidate === undefined) this.completeSearch(now);
  }

  private completeSearch(now: number): void {
    this._state = PmtudState.SEARCH_COMPLETE;
    this.candidate = undefined;
    this.deadline = now + this.raiseTimer;
  }

  private onBlackHole(now: number): void {
    this.blackHoles++;
    this.setCurrent(BASE_PLPMTU);
    this.lo = BASE_PLPMTU;
    this._state = PmtudState.BASE;
    this.baseConfirmed = false;
    this.inFlight = undefined;
    this.candidate = undefined;
    this.failures = 0;
    this.deadline = Number.NEGATIVE_INFINITY;
    this.researchAt = now + this.researchDelay;
    this.bigAckSent = Number.NEGATIVE_INFINITY;
    this.bigAckSize = 0;
  }
}
