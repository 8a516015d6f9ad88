/**
 * Delivery-rate sampling (draft-cheng-iccrg-delivery-rate-estimation, as carried into draft-ietf-ccwg-bbr §4.1),
 * usable by any controller. Units: bytes, ms, bytes per ms.
 *
 * Only in-flight packets take part: pure ACK packets are neither counted as delivered nor as in flight.
 *
 * @module
 */
import type { DeliveryRateFields } from '../types.js';

/** The rate sample one ACK produces (the draft's RS). */
export interface RateSample {
  /** Delivered bytes per ms over the sampling interval (RS.delivery_rate); 0 when there is no valid sample. */
  readonly deliveryRate: number;
  /** Whether the sample is application-limited (RS.is_app_limited). */
  readonly isAppLimited: boolean;
  /** The sampling interval in ms (RS.interval); 0 when nothing was delivered. */
  readonly interval: number;
  /** Bytes delivered over the interval (RS.delivered). */
  readonly delivered: number;
  /** P.delivered of the most recently sent packet acknowledged (RS.prior_delivered); -1 if none. */
  readonly priorDelivered: number;
  /** Bytes newly acknowledged by this ACK (RS.newly_acked). */
  readonly newlyAcked: number;
  /** Bytes newly declared lost while processing this ACK (RS.newly_lost). */
  readonly newlyLost: number;
  /** P.tx_in_flight of the most recently sent packet acknowledged (RS.tx_in_flight). */
  readonly txInFlight: number;
  /** Bytes declared lost between the send and the acknowledgment of that packet (RS.lost). */
  readonly lost: number;
  /** The RTT of that packet (RS.rtt, now minus its send time); -1 if nothing was acknowledged. */
  readonly rtt: number;
  /** C.delivered after this ACK. */
  readonly totalDelivered: number;
}

/**
 * The per-connection half of delivery-rate estimation: snapshot state into each packet at send time
 * ({@link onPacketSent}), then per ACK feed each acknowledged packet ({@link onPacketAcked}), each lost one
 * ({@link onPacketLost}), and finish with {@link generateRateSample}.
 */
export class DeliveryRateEstimator {
  /** C.delivered: bytes acknowledged so far. */
  delivered = 0;
  /** C.delivered_time: when `delivered` last grew. */
  deliveredTime = 0;
  /** C.first_send_time. */
  firstSentTime = 0;
  /** C.app_limited: the `delivered` value that ends the current application-limited period, or 0. */
  appLimited = 0;
  /** C.lost: bytes declared lost so far. */
  lost = 0;

  // The rate sample under construction (RS).
  private hasData = false;
  private priorDelivered = -1;
  private sampleAppLimited = false;
  private sendElapsed = 0;
  private ackElapsed = 0;
  private newestSentTime = -Infinity;
  private newestPacketNumber = -1;
  private sampleTxInFlight = 0;
  private sampleLost = 0;
  private sampleRtt = -1;
  private newlyAcked = 0;
  private newlyLost = 0;

  /**
   * Snapshots the connection state into a packet about to go out (the draft's `OnPacketSent`).
   *
   * @param timeSent - the packet's send time.
   * @param bytesInFlightBefore - bytes in flight before this packet.
   * @param size - the packet's size.
   */
  onPacketSent(timeSent: number, bytesInFlightBefore: number, size: number): DeliveryRateFields {
    if (bytesInFlightBefore === 0) {
      this.firstSentTime = timeSent;
      this.deliveredTime = timeSent;
    }
    return {
      delivered: this.delivered,
      deliveredTime: this.deliveredTime,
      firstSentTime: this.firstSentTime,
      isAppLimited: this.appLimited !== 0,
      txInFlight: bytesInFlightBefore + size,
      lost: this.lost,
    };
  }

  /**
   * Marks the connection application-limited (the draft's `CheckIfApplicationLimited` outcome, and BBR's
   * `MarkConnectionAppLimited`): call it when the sender has no data ready while the window has room.
   */
  markAppLimited(bytesInFlight: number): void {
    const end = this.delivered + bytesInFlight;
    this.appLimited = end > 0 ? end : 1;
  }

  /** Starts the sample of a new ACK (the draft's `InitRateSample`). */
  beginAck(): void {
    this.hasData = false;
    this.priorDelivered = -1;
    this.sampleAppLimited = false;
    this.sendElapsed = 0;
    this.ackElapsed = 0;
    this.newestSentTime = -Infinity;
    this.newestPacketNumber = -1;
    this.sampleTxInFlight = 0;
    this.sampleLost = 0;
    this.sampleRtt = -1;
    this.newlyAcked = 0;
    this.newlyLost = 0;
  }

  /**
   * Feeds one newly acknowledged in-flight packet (the draft's `UpdateRateSample`). Packets of different spaces
   * may share a send time; the packet number then breaks the tie, as the draft's end sequence does.
   */
  onPacketAcked(packet: Readonly<DeliveryRateFields> & { readonly timeSent: number; readonly size: number; readonly packetNumber: number }, now: number): void {
    this.delivered += packet.size;
    this.deliveredTime = now;
    this.newlyAcked += packet.size;
    const newest =
      !this.hasData ||
      packet.timeSent > this.newestSentTime ||
      (packet.timeSent === this.newestSentTime && packet.packetNumber > this.newestPacketNumber);
    if (newest) {
      this.hasData = true;
      this.priorDelivered = packet.delivered;
      this.sampleAppLimited = packet.isAppLimited;
      this.sendElapsed = packet.timeSent - packet.firstSentTime;
      this.ackElapsed = now - packet.deliveredTime;
      this.newestSentTime = packet.timeSent;
      this.newestPacketNumber = packet.packetNumber;
      this.sampleTxInFlight = packet.txInFlight;
      this.sampleLost = packet.lost;
      this.sampleRtt = now - packet.timeSent;
      this.firstSentTime = packet.timeSent;
    }
  }

  /** Counts a newly lost in-flight packet; returns C.lost after it. */
  onPacketLost(size: number): number {
    this.lost += size;
    this.newlyLost += size;
    return this.lost;
  }

  /**
   * Finishes the sample of this ACK (the draft's `GenerateRateSample`).
   *
   * @param minRtt - the connection's min_rtt in ms (0 if unknown): shorter intervals give no reliable sample.
   */
  generateRateSample(minRtt: number): RateSample {
    if (this.appLimited !== 0 && this.delivered > this.appLimited) this.appLimited = 0;
    let interval = 0;
    let delivered = 0;
    let deliveryRate = 0;
    if (this.hasData) {
      interval = Math.max(this.sendElapsed, this.ackElapsed);
      delivered = this.delivered - this.priorDelivered;
      // Normally interval >= min_rtt; a shorter one gives no reliable rate sample.
      if (interval >= minRtt && interval > 0) deliveryRate = delivered / interval;
    }
    return {
      deliveryRate,
      isAppLimited: this.sampleAppLimited,
      interval,
      delivered,
      priorDelivered: this.priorDelivered,
      newlyAcked: this.newlyAcked,
      newlyLost: this.newlyLost,
      txInFlight: this.sampleTxInFlight,
      lost: this.hasData ? this.lost - this.sampleLost : 0,
      rtt: this.sampleRtt,
      totalDelivered: this.delivered,
    };
  }
}
