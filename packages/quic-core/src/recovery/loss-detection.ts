/**
 * Loss detection and the loss detection timer (RFC 9002 §6 and Appendix A), driving congestion control
 * (Appendix B) and delivery-rate sampling.
 *
 * The connection calls {@link LossDetection.onPacketSent} for every packet, {@link LossDetection.onAckReceived}
 * for every ACK frame, and {@link LossDetection.onLossDetectionTimeout} when {@link
 * LossDetection.lossDetectionTimer} expires; it gets back the payloads of acknowledged and lost packets and what to
 * send on a probe timeout. Nothing here throws on peer input: a bad ACK comes back as `protocolViolation`.
 *
 * @module
 */
import { createCongestionController } from './congestion/create.js';
import type { AckedPacketInfo, CongestionController, LostPacketInfo } from './congestion/controller.js';
import { DeliveryRateEstimator } from './congestion/delivery-rate.js';
import type {
  AckEcnCounts,
  AckOutcome,
  AckProcessed,
  LossDetectionOptions,
  LossDetectionStats,
  LossDetectionTimeout,
} from './loss-detection-types.js';
import { RttEstimator } from './rtt.js';
import { PacketState, SentPacketLedger, TrackedPacket } from './sent-packets.js';
import {
  type AckProtocolViolation,
  kDefaultMaxAckDelay,
  kGranularity,
  kPacketThreshold,
  kPersistentCongestionThreshold,
  kTimeThreshold,
  PACKET_NUMBER_SPACES,
  type PacketNumberSpace,
  PROTOCOL_VIOLATION,
  type SentPacket,
  type SentPacketInit,
} from './types.js';

export type {
  AckEcnCounts,
  AckOutcome,
  AckProcessed,
  LossDetectionOptions,
  LossDetectionStats,
  LossDetectionTimeout,
} from './loss-detection-types.js';
import type { AckRange } from '../wire/ack-range.js';

class SpaceState<T> {
  readonly ledger = new SentPacketLedger<T>();
  /** largest_acked_packet; -1 while "infinite" (nothing acknowledged yet). */
  largestAcked = -1;
  /** Send time of the largest acknowledged packet (for ECN-CE congestion events). */
  largestAckedTimeSent = 0;
  /** The largest packet number sent or skipped. */
  largestSent = -1;
  timeOfLastAckElicitingPacket = 0;
  /** loss_time; undefined while unset. */
  lossTime: number | undefined = undefined;
  ackElicitingInFlight = 0;
  ecnCeCounter = 0;
  /** Deliberately skipped packet numbers, ascending, bounded. */
  skipped: number[] = [];
  /**
   * Loss detection resumes here: every packet below is acknowledged or already declared lost, so each pass only
   * walks the packets acknowledged or sent since the last one.
   */
  scanFromPn = 0;
  /** The persistent-congestion run open at `scanFromPn` (the send time of its first packet), if any. */
  scanRunStart: number | undefined = undefined;
}

/** Reusable empty result arrays. */
const NONE: readonly never[] = [];

/**
 * Loss detection, RTT and congestion control for one path (RFC 9002), with sent packets kept per packet number
 * space.
 *
 * @typeParam T - the connection's opaque per-packet payload.
 *
 * @example
 * ```ts
 * const recovery = new LossDetection<Frame[]>({ isServer: false, maxDatagramSize: 1200 });
 * recovery.onPacketSent('initial', { packetNumber: 0, timeSent: now, size: 1200, ackEliciting: true, inFlight: true, payload: frames });
 * const r = recovery.onAckReceived('initial', ack.ranges, 0, now);
 * if (r.kind === 'protocolViolation') close(r.errorCode, r.reason);
 * ```
 */
export class LossDetection<T> {
  /** The RTT estimator of the path. */
  readonly rtt: RttEstimator;
  /** The congestion controller. */
  readonly congestionController: CongestionController;
  /** The delivery-rate estimator. */
  readonly deliveryRate: DeliveryRateEstimator;
  /** Counters. */
  readonly stats: LossDetectionStats = {
    packetsLost: 0,
    bytesLost: 0,
    spuriousLosses: 0,
    congestionEvents: 0,
    persistentCongestionEvents: 0,
    ptoExpirations: 0,
  };
  private readonly isServer: boolean;
  private datagramSize: number;
  private readonly maxSkipped: number;
  private readonly maxAckOnly: number;
  private readonly spaces: Record<PacketNumberSpace, SpaceState<T>> = {
    initial: new SpaceState<T>(),
    handshake: new SpaceState<T>(),
    application: new SpaceState<T>(),
  };
  private maxAckDelay: number;
  private bytesInFlightValue = 0;
  private ptoCountValue = 0;
  private timer: number | undefined = undefined;
  private handshakeConfirmed = false;
  private hasHandshakeKeys = false;
  private receivedHandshakeAck = false;
  private atAmplificationLimit = false;
  // Congestion epochs, for spurious-loss undo.
  private epoch = 0;
  private epochStart = -Infinity;
  private epochLostRemaining = 0;
  private epochUndoable = false;

  constructor(options: LossDetectionOptions) {
    this.isServer = options.isServer;
    if (!Number.isInteger(options.maxDatagramSize) || options.maxDatagramSize < 1200) {
      throw new RangeError(`maxDatagramSize must be an integer >= 1200, got ${options.maxDatagramSize}`);
    }
    this.datagramSize = options.maxDatagramSize;
    this.rtt = new RttEstimator(options.initialRtt);
    this.maxAckDelay = options.maxAckDelay ?? kDefaultMaxAckDelay;
    if (!(this.maxAckDelay >= 0)) throw new RangeError(`maxAckDelay must be >= 0, got ${this.maxAckDelay}`);
    this.maxSkipped = options.maxSkippedPacketNumbers ?? 16;
    this.maxAckOnly = options.maxAckOnlyPackets ?? 1024;
    if (!(this.maxSkipped >= 1)) throw new RangeError(`maxSkippedPacketNumbers must be >= 1`);
    if (!(this.maxAckOnly >= 1)) throw new RangeError(`maxAckOnlyPackets must be >= 1`);
    this.deliveryRate = options.deliveryRate ?? new DeliveryRateEstimator();
    const cc = options.congestionControl ?? 'cubic';
    this.congestionController =
      typeof cc === 'string'
        ? createCongestionController(cc, {
            maxDatagramSize: options.maxDatagramSize,
            deliveryRate: this.deliveryRate,
            ...(options.initialWindowPackets === undefined ? {} : { initialWindowPackets: options.initialWindowPackets }),
            ...(options.random === undefined ? {} : { random: options.random }),
          })
        : cc;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inputs from the connection
  // ---------------------------------------------------------------------------------------------------------------

  /** Sets the peer's max_ack_delay (ms) once its transport parameters arrive. */
  setPeerMaxAckDelay(maxAckDelay: number): void {
    if (!(maxAckDelay >= 0) || !Number.isFinite(maxAckDelay)) {
      throw new RangeError(`maxAckDelay must be a finite number >= 0, got ${maxAckDelay}`);
    }
    this.maxAckDelay = maxAckDelay;
  }

  /** The handshake is confirmed (RFC 9001 §4.1.2): application-data PTO may be armed, ack delay is capped. */
  setHandshakeConfirmed(now: number): void {
    this.handshakeConfirmed = true;
    this.setLossDetectionTimer(now);
  }

  /** Handshake keys are available: an anti-deadlock probe is then a Handshake packet (RFC 9002 §6.2.2.1). */
  setHasHandshakeKeys(): void {
    this.hasHandshakeKeys = true;
  }

  /**
   * A server reports whether it is blocked by the anti-amplification limit (RFC 9000 §8.1). While blocked, the
   * PTO timer is not armed; when a datagram unblocks it, the timer is re-armed and, if already past, the
   * connection fires it at once (RFC 9002 §6.2.2.1 and Appendix A.6).
   */
  setAtAmplificationLimit(atLimit: boolean, now: number): void {
    if (this.atAmplificationLimit === atLimit) return;
    this.atAmplificationLimit = atLimit;
    this.setLossDetectionTimer(now);
  }

  /**
   * The connection has no data ready while the window has room: marks delivery-rate samples application-limited
   * for the next round trip (draft-cheng-iccrg-delivery-rate-estimation §3.4).
   */
  onApplicationLimited(): void {
    if (this.bytesInFlightValue < this.congestionController.window()) {
      this.deliveryRate.markAppLimited(this.bytesInFlightValue);
    }
  }

  /**
   * Registers a packet number the connection skipped on purpose (RFC 9000 §21.4, optimistic-ACK defence): an
   * ACK covering it is a PROTOCOL_VIOLATION. Only the most recent `maxSkippedPacketNumbers` are remembered.
   */
  skipPacketNumber(space: PacketNumberSpace, packetNumber: number): void {
    const st = this.spaces[space];
    if (!Number.isSafeInteger(packetNumber) || packetNumber <= st.largestSent) {
      throw new RangeError(`skipped packet number ${packetNumber} must exceed ${st.largestSent} in ${space}`);
    }
    st.largestSent = packetNumber;
    st.skipped.push(packetNumber);
    if (st.skipped.length > this.maxSkipped) st.skipped.shift();
  }

  /** Records a sent packet (RFC 9002 Appendix A.5 `OnPacketSent`) and returns the record kept for it. */
  onPacketSent(space: PacketNumberSpace, packet: SentPacketInit<T>): SentPacket<T> {
    const st = this.spaces[space];
    const pn = packet.packetNumber;
    if (!Number.isSafeInteger(pn) || pn <= st.largestSent) {
      throw new RangeError(`packet number ${pn} must exceed ${st.largestSent} in ${space}`);
    }
    if (!Number.isInteger(packet.size) || packet.size < 0) throw new RangeError(`size must be >= 0, got ${packet.size}`);
    if (!Number.isFinite(packet.timeSent)) throw new RangeError(`timeSent must be finite, got ${packet.timeSent}`);
    if (packet.ackEliciting && !packet.inFlight) throw new TypeError('an ack-eliciting packet is always in flight');
    const now = packet.timeSent;
    const rate = packet.inFlight
      ? this.deliveryRate.onPacketSent(now, this.bytesInFlightValue, packet.size)
      : {
          delivered: this.deliveryRate.delivered,
          deliveredTime: this.deliveryRate.deliveredTime,
          firstSentTime: this.deliveryRate.firstSentTime,
          isAppLimited: this.deliveryRate.appLimited !== 0,
          txInFlight: this.bytesInFlightValue,
          lost: this.deliveryRate.lost,
        };
    const tracked = new TrackedPacket(packet, rate);
    st.ledger.push(tracked);
    st.largestSent = pn;
    if (packet.inFlight) {
      if (packet.ackEliciting) {
        st.timeOfLastAckElicitingPacket = now;
        st.ackElicitingInFlight++;
      }
      this.bytesInFlightValue += packet.size;
      this.congestionController.onPacketSent(now, {
        size: packet.size,
        bytesInFlight: this.bytesInFlightValue,
        isAppLimited: rate.isAppLimited,
      });
      this.setLossDetectionTimer(now);
    } else if (st.ledger.liveNotInFlight > this.maxAckOnly) {
      // A peer never acknowledges ACK-only packets on its own: forget the oldest rather than grow without bound.
      const oldest = st.ledger.oldestNotInFlight();
      if (oldest !== undefined) st.ledger.kill(oldest, PacketState.gone);
      st.ledger.tidy(this.lostRetentionCutoff(now));
    }
    return tracked;
  }

  /**
   * Processes an ACK frame (RFC 9002 Appendix A.7 `OnAckReceived`).
   *
   * @param space - the packet number space of the packet that carried the frame.
   * @param ranges - acknowledged ranges, descending, the first holding the largest acknowledged.
   * @param ackDelay - the ACK Delay field decoded to ms (see `decodeAckDelay`); ignored for Initial packets.
   * @param now - the time the ACK was received.
   * @param ecn - the ECN counts of an ACK_ECN frame.
   */
  onAckReceived(
    space: PacketNumberSpace,
    ranges: readonly AckRange[],
    ackDelay: number,
    now: number,
    ecn?: AckEcnCounts,
  ): AckOutcome<T> {
    checkRanges(ranges);
    const st = this.spaces[space];
    const largest = (ranges[0] as AckRange).largest;
    if (largest > st.largestSent) {
      return violation(`ACK of ${space} packet ${largest}, which was never sent (largest sent ${st.largestSent})`);
    }
    const skipped = firstCoveredSkip(st.skipped, ranges);
    if (skipped !== undefined) {
      return violation(`ACK of ${space} packet ${skipped}, which was skipped`);
    }

    if (largest > st.largestAcked) st.largestAcked = largest;
    if (space === 'handshake') this.receivedHandshakeAck = true;

    const rate = this.deliveryRate;
    rate.beginAck();
    const priorBytesInFlight = this.bytesInFlightValue;
    const acked: TrackedPacket<T>[] = [];
    const ackedInfo: AckedPacketInfo[] = [];
    let spurious: TrackedPacket<T>[] | undefined;
    let ackedBytes = 0;
    let includesAckEliciting = false;
    const ledger = st.ledger;
    // Walk the ranges from the smallest so packets come out in increasing order.
    for (let r = ranges.length - 1; r >= 0; r--) {
      const range = ranges[r] as AckRange;
      for (let i = ledger.lowerBound(range.smallest); i < ledger.end; i++) {
        const e = ledger.at(i);
        if (e.packetNumber > range.largest) break;
        if (e.state === PacketState.live) {
          ledger.kill(e, PacketState.acked);
          acked.push(e);
          if (e.ackEliciting) includesAckEliciting = true;
          if (e.inFlight) {
            this.bytesInFlightValue -= e.size;
            if (e.ackEliciting) st.ackElicitingInFlight--;
            ackedBytes += e.size;
            rate.onPacketAcked(e, now);
            ackedInfo.push(e);
          }
        } else if (e.state === PacketState.lost) {
          e.state = PacketState.acked;
          // An acknowledged packet now breaks any persistent-congestion run through it.
          if (e.packetNumber < st.scanFromPn) st.scanRunStart = undefined;
          (spurious ??= []).push(e);
          if (e.inFlight) rate.onPacketAcked(e, now);
          this.onSpuriousLoss(e, now);
        }
      }
    }

    if (acked.length === 0) {
      // Nothing newly acknowledged: RFC 9002 A.7 returns here (no RTT sample, no loss detection, no timer reset).
      return processed(NONE, NONE, spurious ?? NONE, false, false, false);
    }

    const newest = acked[acked.length - 1] as TrackedPacket<T>;
    let rttSampled = false;
    if (newest.packetNumber === largest) {
      st.largestAckedTimeSent = newest.timeSent;
      if (includesAckEliciting) {
        this.rtt.updateRtt(
          now - newest.timeSent,
          space === 'initial' ? 0 : ackDelay,
          this.handshakeConfirmed,
          now,
          this.maxAckDelay,
        );
        rttSampled = true;
      }
    }

    let ecnCongestion = false;
    if (ecn !== undefined && ecn.ce > st.ecnCeCounter) {
      st.ecnCeCounter = ecn.ce;
      ecnCongestion = true;
      this.signalEcn(now, st.largestAckedTimeSent);
    }

    const { lost, persistentCongestion } = this.detectAndRemoveLostPackets(space, now);
    const rateSample = rate.generateRateSample(this.rtt.hasSample ? this.rtt.minRtt : 0);
    if (lost.length > 0) this.onPacketsLost(lost, persistentCongestion, now);
    if (ackedInfo.length > 0) {
      this.congestionController.onPacketsAcked(now, {
        acked: ackedInfo,
        ackedBytes,
        priorBytesInFlight,
        bytesInFlight: this.bytesInFlightValue,
        rtt: this.rtt,
        rttSampled,
        rateSample,
      });
    }

    if (this.peerCompletedAddressValidation()) this.ptoCountValue = 0;
    this.setLossDetectionTimer(now);
    ledger.tidy(this.lostRetentionCutoff(now));
    return processed(acked, lost, spurious ?? NONE, rttSampled, persistentCongestion, ecnCongestion);
  }

  /** The loss detection timer's deadline (ms), or `undefined` when it is not armed. */
  lossDetectionTimer(): number | undefined {
    return this.timer;
  }

  /** Handles the loss detection timer (RFC 9002 Appendix A.9 `OnLossDetectionTimeout`). */
  onLossDetectionTimeout(now: number): LossDetectionTimeout<T> {
    if (this.timer === undefined || now < this.timer) return { kind: 'none' };
    const [lossTime, lossSpace] = this.getLossTimeAndSpace();
    if (lossTime !== undefined) {
      const { lost, persistentCongestion } = this.detectAndRemoveLostPackets(lossSpace, now);
      if (lost.length > 0) this.onPacketsLost(lost, persistentCongestion, now);
      this.setLossDetectionTimer(now);
      this.spaces[lossSpace].ledger.tidy(this.lostRetentionCutoff(now));
      return { kind: 'packetsLost', space: lossSpace, lost, persistentCongestion };
    }
    let outcome: LossDetectionTimeout<T>;
    if (!this.hasAckElicitingInFlight()) {
      // Anti-deadlock probe: an Initial padded to earn credit, or a Handshake packet proving address ownership.
      const space: PacketNumberSpace = this.hasHandshakeKeys ? 'handshake' : 'initial';
      outcome = { kind: 'ptoExpired', space, probePackets: 1, antiDeadlock: true, alsoProbe: NONE };
    } else {
      const [, space] = this.getPtoTimeAndSpace(now);
      const alsoProbe: PacketNumberSpace[] = [];
      for (const other of PACKET_NUMBER_SPACES) {
        if (other === space || this.spaces[other].ackElicitingInFlight === 0) continue;
        if (other === 'application' && !this.handshakeConfirmed) continue;
        alsoProbe.push(other);
      }
      outcome = { kind: 'ptoExpired', space, probePackets: 2, antiDeadlock: false, alsoProbe };
    }
    this.stats.ptoExpirations++;
    this.ptoCountValue++;
    this.setLossDetectionTimer(now);
    return outcome;
  }

  /**
   * Discards a packet number space when its keys are discarded (RFC 9002 §6.4 and Appendix A.11): its packets
   * leave bytes in flight and the timers are reset. Also usable for the application space when 0-RTT is
   * rejected before any 1-RTT packet was sent. Returns the packets that were still outstanding.
   */
  discardSpace(space: PacketNumberSpace, now: number): readonly SentPacket<T>[] {
    const st = this.spaces[space];
    const live = st.ledger.drain();
    for (const e of live) {
      e.state = PacketState.gone;
      if (e.inFlight) this.bytesInFlightValue -= e.size;
    }
    st.ackElicitingInFlight = 0;
    st.timeOfLastAckElicitingPacket = 0;
    st.lossTime = undefined;
    st.scanFromPn = st.largestSent + 1;
    st.scanRunStart = undefined;
    this.ptoCountValue = 0;
    this.setLossDetectionTimer(now);
    return live;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Getters
  // ---------------------------------------------------------------------------------------------------------------

  /** Bytes of in-flight packets neither acknowledged, lost nor discarded (bytes_in_flight). */
  get bytesInFlight(): number {
    return this.bytesInFlightValue;
  }

  /** Consecutive probe timeouts without an acknowledgment (pto_count). */
  get ptoCount(): number {
    return this.ptoCountValue;
  }

  /** The congestion window in bytes. */
  congestionWindow(): number {
    return this.congestionController.window();
  }

  /** Bytes that may be sent now without exceeding the congestion window (probes may exceed it). */
  sendAllowance(): number {
    return Math.max(0, this.congestionController.window() - this.bytesInFlightValue);
  }

  /** The pacing rate in bytes per ms: the controller's, or `1.25 * cwnd / smoothed_rtt` (RFC 9002 §7.7). */
  pacingRate(): number {
    const rate = this.congestionController.pacingRate(this.rtt);
    if (rate !== undefined && rate > 0) return rate;
    return (1.25 * this.congestionController.window()) / Math.max(this.rtt.smoothedRtt, kGranularity);
  }

  /** The largest packet number acknowledged in `space`, or `undefined` (for packet number encoding). */
  largestAcked(space: PacketNumberSpace): number | undefined {
    const v = this.spaces[space].largestAcked;
    return v < 0 ? undefined : v;
  }

  /** Whether ack-eliciting packets are in flight in `space`, or in any space when omitted. */
  hasAckElicitingInFlight(space?: PacketNumberSpace): boolean {
    if (space !== undefined) return this.spaces[space].ackElicitingInFlight > 0;
    return (
      this.spaces.initial.ackElicitingInFlight > 0 ||
      this.spaces.handshake.ackElicitingInFlight > 0 ||
      this.spaces.application.ackElicitingInFlight > 0
    );
  }

  /** Packets tracked in `space`, live or kept for spurious-loss detection (memory-bound checks). */
  trackedPackets(space: PacketNumberSpace): number {
    return this.spaces[space].ledger.size;
  }

  /** The sender's maximum datagram size in bytes. */
  get maxDatagramSize(): number {
    return this.datagramSize;
  }

  /** The maximum datagram size changed (path MTU discovery): tells the congestion controller (RFC 9002 §7.2). */
  setMaxDatagramSize(maxDatagramSize: number): void {
    if (!Number.isInteger(maxDatagramSize) || maxDatagramSize < 1200) {
      throw new RangeError(`maxDatagramSize must be an integer >= 1200, got ${maxDatagramSize}`);
    }
    this.datagramSize = maxDatagramSize;
    this.congestionController.onMaxDatagramSizeChanged?.(maxDatagramSize);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // RFC 9002 Appendix A internals
  // ---------------------------------------------------------------------------------------------------------------

  private peerCompletedAddressValidation(): boolean {
    // Servers assume clients validate the server's address implicitly; the server completes address validation
    // when the client receives a Handshake ACK or the handshake is confirmed.
    return this.isServer || this.receivedHandshakeAck || this.handshakeConfirmed;
  }

  private getLossTimeAndSpace(): [number | undefined, PacketNumberSpace] {
    let time: number | undefined = undefined;
    let space: PacketNumberSpace = 'initial';
    for (const s of PACKET_NUMBER_SPACES) {
      const t = this.spaces[s].lossTime;
      if (t !== undefined && (time === undefined || t < time)) {
        time = t;
        space = s;
      }
    }
    return [time, space];
  }

  private getPtoTimeAndSpace(now: number): [number | undefined, PacketNumberSpace] {
    const backoff = 2 ** this.ptoCountValue;
    let duration = (this.rtt.smoothedRtt + Math.max(4 * this.rtt.rttvar, kGranularity)) * backoff;
    if (!this.hasAckElicitingInFlight()) {
      // Anti-deadlock PTO starts from the current time.
      return [now + duration, this.hasHandshakeKeys ? 'handshake' : 'initial'];
    }
    let ptoTimeout: number | undefined = undefined;
    let ptoSpace: PacketNumberSpace = 'initial';
    for (const space of PACKET_NUMBER_SPACES) {
      const st = this.spaces[space];
      if (st.ackElicitingInFlight === 0) continue;
      if (space === 'application') {
        // Skip Application Data until the handshake is confirmed.
        if (!this.handshakeConfirmed) return [ptoTimeout, ptoSpace];
        duration += this.maxAckDelay * backoff;
      }
      const t = st.timeOfLastAckElicitingPacket + duration;
      if (ptoTimeout === undefined || t < ptoTimeout) {
        ptoTimeout = t;
        ptoSpace = space;
      }
    }
    return [ptoTimeout, ptoSpace];
  }

  private setLossDetectionTimer(now: number): void {
    const [lossTime] = this.getLossTimeAndSpace();
    if (lossTime !== undefined) {
      this.timer = lossTime;
      return;
    }
    if (this.isServer && this.atAmplificationLimit) {
      // The server's timer is not set if nothing can be sent.
      this.timer = undefined;
      return;
    }
    if (!this.hasAckElicitingInFlight() && this.peerCompletedAddressValidation()) {
      this.timer = undefined;
      return;
    }
    this.timer = this.getPtoTimeAndSpace(now)[0];
  }

  /**
   * RFC 9002 Appendix A.10 `DetectAndRemoveLostPackets`, plus persistent congestion (§7.6.2): while walking the
   * packets up to the largest acknowledged, it follows runs of lost packets with no acknowledged packet between
   * them, and reports persistent congestion when a run holds two ack-eliciting packets, sent after the first RTT
   * sample, more than the persistent congestion duration apart. Only this space's packets are considered, which
   * RFC 9002 §7.6.2 permits.
   */
  private detectAndRemoveLostPackets(
    space: PacketNumberSpace,
    now: number,
  ): { lost: TrackedPacket<T>[]; persistentCongestion: boolean } {
    const st = this.spaces[space];
    st.lossTime = undefined;
    const lost: TrackedPacket<T>[] = [];
    if (st.largestAcked < 0) return { lost, persistentCongestion: false };
    const rtt = this.rtt;
    const lossDelay = Math.max(kTimeThreshold * Math.max(rtt.latestRtt, rtt.smoothedRtt), kGranularity);
    const firstSample = rtt.firstRttSample;
    const pcDuration =
      (rtt.smoothedRtt + Math.max(4 * rtt.rttvar, kGranularity) + this.maxAckDelay) * kPersistentCongestionThreshold;
    let runStart = st.scanRunStart;
    let runHasNewLoss = false;
    let persistentCongestion = false;
    const ledger = st.ledger;
    const largestAcked = st.largestAcked;
    let resumePn: number | undefined = undefined;
    for (let i = ledger.lowerBound(st.scanFromPn); i < ledger.end; i++) {
      const e = ledger.at(i);
      if (e.packetNumber > largestAcked) break;
      if (e.ackedBefore) runStart = undefined;
      if (e.state === PacketState.acked) {
        runStart = undefined;
        continue;
      }
      let newlyLost = false;
      if (e.state === PacketState.live) {
        // time_sent <= now - loss_delay, written as the very sum that becomes loss_time, so that a timer set to
        // loss_time always finds the packet lost despite floating-point rounding.
        const lossAt = e.timeSent + lossDelay;
        if (lossAt <= now || largestAcked >= e.packetNumber + kPacketThreshold) {
          ledger.kill(e, PacketState.lost);
          lost.push(e);
          newlyLost = true;
          if (e.inFlight) {
            this.bytesInFlightValue -= e.size;
            if (e.ackEliciting) st.ackElicitingInFlight--;
          }
        } else {
          if (st.lossTime === undefined || lossAt < st.lossTime) st.lossTime = lossAt;
          runStart = undefined;
          resumePn ??= e.packetNumber;
          continue;
        }
      } else if (e.state !== PacketState.lost) {
        continue;
      }
      // A lost packet (newly or earlier): it may bound a persistent congestion period.
      if (e.ackEliciting && firstSample !== undefined && e.timeSent > firstSample) {
        if (runStart === undefined) {
          runStart = e.timeSent;
          runHasNewLoss = newlyLost;
        } else {
          runHasNewLoss ||= newlyLost;
          if (runHasNewLoss && e.timeSent - runStart > pcDuration) persistentCongestion = true;
        }
      }
    }
    if (resumePn === undefined) {
      st.scanFromPn = largestAcked + 1;
      st.scanRunStart = runStart;
    } else {
      // A packet still waiting for its loss time ends any run (conservatively): resume there with none.
      st.scanFromPn = resumePn;
      st.scanRunStart = undefined;
    }
    return { lost, persistentCongestion };
  }

  /** RFC 9002 Appendix B.8 `OnPacketsLost`, with the controller, delivery rate and spurious-loss bookkeeping. */
  private onPacketsLost(lost: readonly TrackedPacket<T>[], persistentCongestion: boolean, now: number): void {
    this.stats.packetsLost += lost.length;
    const infos: LostPacketInfo[] = [];
    let sentTimeOfLastLoss = -Infinity;
    let lostBytes = 0;
    for (const e of lost) {
      if (!e.inFlight) continue;
      const lostAtDetection = this.deliveryRate.onPacketLost(e.size);
      infos.push({
        packetNumber: e.packetNumber,
        timeSent: e.timeSent,
        size: e.size,
        txInFlight: e.txInFlight,
        lost: e.lost,
        lostAtDetection,
        isAppLimited: e.isAppLimited,
      });
      lostBytes += e.size;
      if (e.timeSent > sentTimeOfLastLoss) sentTimeOfLastLoss = e.timeSent;
    }
    if (infos.length === 0) return;
    this.stats.bytesLost += lostBytes;
    this.stats.congestionEvents++;
    if (sentTimeOfLastLoss > this.epochStart) {
      // A new congestion epoch (the same rule as NewReno's recovery period).
      this.epoch++;
      this.epochStart = now;
      this.epochLostRemaining = 0;
      this.epochUndoable = true;
    }
    for (const e of lost) {
      if (!e.inFlight) continue;
      e.lossEpoch = this.epoch;
      this.epochLostRemaining++;
    }
    if (persistentCongestion) {
      this.stats.persistentCongestionEvents++;
      this.epochUndoable = false;
      this.rtt.resetMinRtt();
    }
    this.congestionController.onCongestionEvent(now, {
      cause: 'loss',
      sentTime: sentTimeOfLastLoss,
      persistentCongestion,
      lost: infos,
      lostBytes,
      bytesInFlight: this.bytesInFlightValue,
      rtt: this.rtt,
    });
  }

  private signalEcn(now: number, sentTime: number): void {
    this.stats.congestionEvents++;
    if (sentTime > this.epochStart) {
      this.epoch++;
      this.epochStart = now;
      this.epochLostRemaining = 0;
    }
    // An ECN-CE mark is a real signal: this epoch can no longer be undone.
    this.epochUndoable = false;
    this.congestionController.onCongestionEvent(now, {
      cause: 'ecn',
      sentTime,
      persistentCongestion: false,
      lost: NONE,
      lostBytes: 0,
      bytesInFlight: this.bytesInFlightValue,
      rtt: this.rtt,
    });
  }

  private onSpuriousLoss(e: TrackedPacket<T>, now: number): void {
    this.stats.spuriousLosses++;
    if (!e.inFlight || e.lossEpoch !== this.epoch || !this.epochUndoable) return;
    this.epochLostRemaining--;
    if (this.epochLostRemaining === 0) {
      this.epochUndoable = false;
      this.congestionController.onSpuriousCongestionEvent?.(now);
    }
  }

  /** Lost packets sent before this time are no longer worth keeping for spurious-loss detection. */
  private lostRetentionCutoff(now: number): number {
    return now - kPersistentCongestionThreshold * this.rtt.pto(this.maxAckDelay, true);
  }
}

function violation(reason: string): AckProtocolViolation {
  return { kind: 'protocolViolation', errorCode: PROTOCOL_VIOLATION, reason };
}

function processed<T>(
  acked: readonly SentPacket<T>[],
  lost: readonly SentPacket<T>[],
  spuriouslyLost: readonly SentPacket<T>[],
  rttSampled: boolean,
  persistentCongestion: boolean,
  ecnCongestion: boolean,
): AckProcessed<T> {
  return { kind: 'processed', acked, lost, spuriouslyLost, rttSampled, persistentCongestion, ecnCongestion };
}

/** Ranges come from the ACK decoder, which guarantees this shape; anything else is a caller bug. */
function checkRanges(ranges: readonly AckRange[]): void {
  if (ranges.length === 0) throw new RangeError('an ACK frame has at least one range');
  let previousSmallest = Infinity;
  for (const r of ranges) {
    if (!(r.smallest >= 0 && r.smallest <= r.largest && r.largest < previousSmallest) || !Number.isSafeInteger(r.largest)) {
      throw new RangeError(`ACK ranges must be descending, disjoint and non-negative: ${JSON.stringify(ranges)}`);
    }
    previousSmallest = r.smallest;
  }
}

/** The first skipped packet number (ascending list) that one of the descending `ranges` covers. */
function firstCoveredSkip(skipped: readonly number[], ranges: readonly AckRange[]): number | undefined {
  if (skipped.length === 0) return undefined;
  let r = ranges.length - 1;
  for (const pn of skipped) {
    while (r >= 0 && (ranges[r] as AckRange).largest < pn) r--;
    if (r < 0) return undefined;
    if ((ranges[r] as AckRange).smallest <= pn) return pn;
  }
  return undefined;
}
