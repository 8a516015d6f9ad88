/**
 * BBR congestion control, version 3, as draft-ietf-ccwg-bbr (revision -04) specifies it: Startup, Drain,
 * ProbeBW (DOWN, CRUISE, REFILL, UP) and ProbeRTT; the max_bw filter over ProbeBW cycles, the min_rtt filter
 * integrated with ProbeRTT scheduling; the long-term model (inflight_longterm, adapted from loss while probing) and
 * the short-term model (bw_shortterm / inflight_shortterm, cut once per round with loss while not probing); pacing
 * rate and cwnd from the model.
 *
 * Units: bytes, milliseconds, bytes per millisecond. Function names follow the draft's pseudocode.
 *
 * @module
 */
import {
  type AckEvent,
  checkControllerOptions,
  type CongestionController,
  type CongestionControllerOptions,
  type CongestionEvent,
  initialWindow,
  type LostPacketInfo,
  minimumWindow,
  type SentEvent,
} from './controller.js';
import type { DeliveryRateEstimator, RateSample } from './delivery-rate.js';
import type { RttView } from '../rtt.js';
import { type AckPhase, BbrState, Beta, DefaultCwndGain, defaultRandom, DrainPacingGain } from './bbr-params.js';
import { ExtraAckedFilterLen, Headroom, LossThresh, MinRTTFilterLen, PacingMarginPercent } from './bbr-params.js';
import { ProbeRTTCwndGain, ProbeRTTDuration, ProbeRTTInterval, StartupFullLossCnt, StartupPacingGain } from './bbr-params.js';
import { WindowedMaxFilter } from './windowed-filter.js';

export { BbrState } from './bbr-params.js';

/** Options of {@link Bbr}. */
export interface BbrOptions extends CongestionControllerOptions {
  /** The delivery-rate estimator recovery uses, so ProbeRTT can mark the connection application-limited. */
  readonly deliveryRate?: DeliveryRateEstimator;
}

/**
 * BBRv3 (draft-ietf-ccwg-bbr-04). Congestion control through pacing at the estimated bottleneck bandwidth and a
 * window of about twice the estimated bandwidth-delay product, so a flow reaches a link's bandwidth while keeping
 * its queue small.
 */
export class Bbr implements CongestionController {
  readonly name = 'bbr' as const;
  private smss: number;
  private readonly initialCwnd: number;
  private readonly random: () => number;
  private readonly deliveryRate: DeliveryRateEstimator | undefined;

  // Output control parameters.
  private cwnd: number;
  private pacingRateValue = 0;
  private pacingInitialized = false;
  private sendQuantum: number;

  // State machine.
  private current: BbrState = BbrState.Startup;
  private pacingGain = StartupPacingGain;
  private cwndGain = DefaultCwndGain;

  // Rounds.
  private roundCount = 0;
  private roundStart = false;
  private nextRoundDelivered = 0;
  private delivered = 0;
  private inflight = 0;
  private isCwndLimited = false;
  private cwndLimitedInRound = false;

  // Data rate model.
  private maxBw = 0;
  private readonly maxBwSlots: [number, number] = [0, 0];
  private cycleCount = 0;
  private bwShortterm = Infinity;
  private bw = 0;
  // Data volume model.
  private minRttValue = Infinity;
  private minRttStamp = 0;
  private bdp = 0;
  private extraAcked = 0;
  private readonly extraAckedFilter = new WindowedMaxFilter();
  private extraAckedIntervalStart = 0;
  private extraAckedDelivered = 0;
  private offloadBudget = 0;
  private maxInflight = 0;
  private inflightLongterm = Infinity;
  private inflightShortterm = Infinity;

  // Congestion signals.
  private bwLatest = 0;
  private inflightLatest = 0;
  private lossInRound = false;
  private lossRoundDelivered = 0;
  private lossRoundStart = false;
  // Startup high-loss detection (per round).
  private lossEventsInRound = 0;
  private lostBytesInRound = 0;
  private lastLostPacketNumber = -2;
  private roundStartDelivered = 0;
  private recoveryRound = -1;

  // Startup.
  private fullBwReached = false;
  private fullBwNow = false;
  private fullBw = 0;
  private fullBwCount = 0;

  // ProbeBW.
  private cycleStamp = 0;
  private ackPhase: AckPhase = 'ACKS_INIT';
  private bwProbeWait = 0;
  private roundsSinceBwProbe = 0;
  private bwProbeUpRounds = 0;
  private bwProbeUpAcks = 0;
  private probeUpCnt = Infinity;
  private bwProbeSamples = false;

  // ProbeRTT.
  private probeRttMinDelay = Infinity;
  private probeRttMinStamp = 0;
  private probeRttExpired = false;
  private probeRttDoneStamp = 0;
  private probeRttRoundDone = false;
  private priorCwnd = 0;
  private idleRestart = false;

  /** The time of the hook being processed. */
  private now = 0;

  // Loss recovery (QUIC's recovery period: enter on a loss of a packet sent after the last entry).
  private recoveryStartTime = -Infinity;
  private recovering = false;

  constructor(options: BbrOptions) {
    checkControllerOptions(options);
    this.smss = options.maxDatagramSize;
    this.initialCwnd = initialWindow(this.smss, options.initialWindowPackets);
    this.cwnd = this.initialCwnd;
    this.random = options.random ?? defaultRandom();
    this.deliveryRate = options.deliveryRate;
    this.sendQuantum = 2 * this.smss;
    // BBROnInit
    this.resetCongestionSignals();
    this.resetShortTermModel();
    this.resetFullBw();
    this.enterStartup();
  }

  private get minPipeCwnd(): number {
    return 4 * this.smss;
  }

  // -----------------------------------------------------------------------------------------------------------
  // Hooks
  // -----------------------------------------------------------------------------------------------------------

  onPacketSent(now: number, sent: SentEvent): void {
    this.now = now;
    const before = sent.bytesInFlight - sent.size;
    // BBRHandleRestartFromIdle
    if (before === 0 && sent.isAppLimited) {
      this.idleRestart = true;
      this.extraAckedIntervalStart = now;
      if (this.isInAProbeBwState()) this.setPacingRateWithGain(1);
      else if (this.current === BbrState.ProbeRTT) this.checkProbeRttDone(now);
    }
    this.inflight = sent.bytesInFlight;
    if (sent.bytesInFlight + this.smss > this.cwnd) this.cwndLimitedInRound = true;
  }

  onPacketsAcked(now: number, ack: AckEvent): void {
    this.now = now;
    const rs = ack.rateSample;
    this.inflight = ack.bytesInFlight;
    this.delivered = rs.totalDelivered;
    if (!this.pacingInitialized && ack.rtt.firstRttSample !== undefined) this.initPacingRate(ack.rtt);
    if (this.recovering) {
      for (const p of ack.acked) {
        if (p.timeSent > this.recoveryStartTime) {
          // Exiting loss recovery: restore the last known good window (§5.6.4.4).
          this.recovering = false;
          this.restoreCwnd();
          break;
        }
      }
    }
    this.updateModelAndState(now, rs);
    this.updateControlParameters(rs);
  }

  onCongestionEvent(now: number, event: CongestionEvent): void {
    this.now = now;
    this.inflight = event.bytesInFlight;
    for (const p of event.lost) this.handleLostPacket(p);
    if (event.cause === 'ecn') this.noteLoss(); // CE marks are congestion (§3.7)
    if (event.sentTime > this.recoveryStartTime) {
      if (!this.recovering) {
        // BBROnEnterFastRecovery
        this.saveCwnd();
        this.recovering = true;
        this.recoveryRound = this.roundCount;
      }
      this.recoveryStartTime = now;
    }
    if (event.persistentCongestion) {
      // The analogue of BBROnEnterRTO: let one more datagram out, then regrow from the model.
      this.saveCwnd();
      this.cwnd = Math.max(event.bytesInFlight + this.smss, minimumWindow(this.smss));
    }
  }

  onMaxDatagramSizeChanged(maxDatagramSize: number): void {
    checkControllerOptions({ maxDatagramSize });
    this.smss = maxDatagramSize;
    this.cwnd = Math.max(this.cwnd, this.minPipeCwnd);
  }

  window(): number {
    return this.cwnd;
  }

  inSlowStart(): boolean {
    return this.current === BbrState.Startup;
  }

  inRecovery(): boolean {
    return this.recovering;
  }

  pacingRate(rtt: RttView): number {
    if (this.pacingInitialized) return this.pacingRateValue;
    // BBRInitPacingRate before any RTT sample: the initial window over the initial RTT estimate.
    return (StartupPacingGain * this.initialCwnd) / Math.max(rtt.smoothedRtt, 1);
  }

  /** The current state (BBR.state). */
  get state(): BbrState {
    return this.current;
  }

  /** BBR.min_rtt in ms (Infinity before a sample). */
  get minRtt(): number {
    return this.minRttValue;
  }

  /** BBR.max_bw in bytes per ms (for tests and qlog). */
  maxBandwidth(): number {
    return this.maxBw;
  }

  /** BBR.bw in bytes per ms. */
  bandwidth(): number {
    return this.bw;
  }

  /** BBR.full_bw_reached. */
  fullBandwidthReached(): boolean {
    return this.fullBwReached;
  }

  /** BBR.inflight_longterm (Infinity while unset). */
  inflightLongTerm(): number {
    return this.inflightLongterm;
  }

  // -----------------------------------------------------------------------------------------------------------
  // Per-ACK steps (§5.2.3)
  // -----------------------------------------------------------------------------------------------------------

  private updateModelAndState(now: number, rs: RateSample): void {
    this.updateLatestDeliverySignals(rs);
    this.updateCongestionSignals(rs);
    this.updateAckAggregation(now, rs);
    this.checkFullBwReached(rs);
    this.checkStartupDone();
    this.checkDrainDone();
    this.updateProbeBwCyclePhase(now, rs);
    this.updateMinRtt(now, rs);
    this.checkProbeRtt(now, rs);
    this.advanceLatestDeliverySignals(rs);
    this.boundBwForModel();
  }

  private updateControlParameters(rs: RateSample): void {
    this.setPacingRate();
    this.setSendQuantum();
    this.setCwnd(rs);
  }

  // Rounds (§5.5.1) -------------------------------------------------------------------------------------------

  private updateRound(rs: RateSample): void {
    if (rs.priorDelivered >= 0 && rs.priorDelivered >= this.nextRoundDelivered) {
      this.startRound();
      this.roundCount++;
      this.roundsSinceBwProbe++;
      this.roundStart = true;
      this.isCwndLimited = this.cwndLimitedInRound;
      this.cwndLimitedInRound = false;
    } else {
      this.roundStart = false;
    }
  }

  private startRound(): void {
    this.nextRoundDelivered = this.delivered;
  }

  // max_bw (§5.5.2-§5.5.6) --------------------------------------------------------------------------------------

  private updateMaxBw(rs: RateSample): void {
    this.updateRound(rs);
    if (rs.deliveryRate > 0 && (rs.deliveryRate >= this.maxBw || !rs.isAppLimited)) {
      const slot = (this.cycleCount & 1) as 0 | 1;
      if (rs.deliveryRate > this.maxBwSlots[slot]) this.maxBwSlots[slot] = rs.deliveryRate;
      this.maxBw = Math.max(this.maxBwSlots[0], this.maxBwSlots[1]);
    }
  }

  private advanceMaxBwFilter(): void {
    // The filter holds two slots, the previous and current ProbeBW cycles (MaxBwFilterLen = 2).
    this.cycleCount++;
    this.maxBwSlots[(this.cycleCount & 1) as 0 | 1] = 0;
    this.maxBw = Math.max(this.maxBwSlots[0], this.maxBwSlots[1]);
  }

  // Congestion signals (§5.5.10) ------------------------------------------------------------------------------

  private updateLatestDeliverySignals(rs: RateSample): void {
    this.lossRoundStart = false;
    this.bwLatest = Math.max(this.bwLatest, rs.deliveryRate);
    this.inflightLatest = Math.max(this.inflightLatest, rs.delivered);
    if (rs.priorDelivered >= 0 && rs.priorDelivered >= this.lossRoundDelivered) {
      this.lossRoundDelivered = this.delivered;
      this.lossRoundStart = true;
    }
  }

  private advanceLatestDeliverySignals(rs: RateSample): void {
    if (this.lossRoundStart) {
      this.bwLatest = rs.deliveryRate;
      this.inflightLatest = rs.delivered;
    }
  }

  private resetCongestionSignals(): void {
    this.lossInRound = false;
    this.bwLatest = 0;
    this.inflightLatest = 0;
  }

  private updateCongestionSignals(rs: RateSample): void {
    this.updateMaxBw(rs);
    if (!this.lossRoundStart) return;
    this.adaptLowerBoundsFromCongestion();
    this.lossInRound = false;
  }

  private adaptLowerBoundsFromCongestion(): void {
    if (this.isProbingBw()) return;
    if (this.lossInRound) {
      this.initLowerBounds();
      this.lossLowerBounds();
    }
  }

  private initLowerBounds(): void {
    if (this.bwShortterm === Infinity) this.bwShortterm = this.maxBw;
    if (this.inflightShortterm === Infinity) this.inflightShortterm = this.cwnd;
  }

  private lossLowerBounds(): void {
    this.bwShortterm = Math.max(this.bwLatest, Beta * this.bwShortterm);
    this.inflightShortterm = Math.max(this.inflightLatest, Beta * this.inflightShortterm);
  }

  private resetShortTermModel(): void {
    this.bwShortterm = Infinity;
    this.inflightShortterm = Infinity;
  }

  private boundBwForModel(): void {
    this.bw = Math.min(this.maxBw, this.bwShortterm);
  }

  private noteLoss(): void {
    if (!this.lossInRound) this.lossRoundDelivered = this.delivered;
    this.lossInRound = true;
  }

  /** BBRHandleLostPacket, with the per-round loss counters Startup's high-loss exit needs. */
  private handleLostPacket(p: LostPacketInfo): void {
    this.noteLoss();
    this.lostBytesInRound += p.size;
    if (p.packetNumber !== this.lastLostPacketNumber + 1) this.lossEventsInRound++;
    this.lastLostPacketNumber = p.packetNumber;
    if (!this.bwProbeSamples) return; // not a packet sent while probing bandwidth
    const txInFlight = p.txInFlight;
    const lost = p.lostAtDetection - p.lost;
    if (this.isInflightTooHigh(lost, txInFlight)) {
      this.handleInflightTooHigh(this.inflightAtLoss(p, txInFlight, lost), p.isAppLimited);
    }
  }

  private isInflightTooHigh(lost: number, txInFlight: number): boolean {
    return lost > txInFlight * LossThresh;
  }

  /** At what prefix of the lost packet did losses exceed LossThresh? (BBRInflightAtLoss) */
  private inflightAtLoss(p: LostPacketInfo, txInFlight: number, lost: number): number {
    const inflightPrev = txInFlight - p.size;
    const lostPrev = lost - p.size;
    const lostPrefix = (LossThresh * inflightPrev - lostPrev) / (1 - LossThresh);
    return inflightPrev + lostPrefix;
  }

  private handleInflightTooHigh(txInFlight: number, isAppLimited: boolean): void {
    this.bwProbeSamples = false; // only react once per bandwidth probe
    if (!isAppLimited) this.inflightLongterm = Math.max(txInFlight, this.targetInflight() * Beta);
    if (this.current === BbrState.ProbeBW_UP) this.startProbeBwDown();
  }

  // ACK aggregation (§5.5.9) ----------------------------------------------------------------------------------

  private updateAckAggregation(now: number, rs: RateSample): void {
    const interval = now - this.extraAckedIntervalStart;
    let expectedDelivered = this.bw * interval;
    if (this.extraAckedDelivered <= expectedDelivered) {
      this.extraAckedDelivered = 0;
      this.extraAckedIntervalStart = now;
      expectedDelivered = 0;
    }
    this.extraAckedDelivered += rs.newlyAcked;
    const extra = Math.min(this.extraAckedDelivered - expectedDelivered, this.cwnd);
    const filterLen = this.fullBwReached ? ExtraAckedFilterLen : 1;
    this.extraAcked = this.extraAckedFilter.update(this.roundCount, extra, filterLen);
  }

  // Startup and Drain (§5.3.1, §5.3.2) ------------------------------------------------------------------------

  private enterStartup(): void {
    this.current = BbrState.Startup;
    this.pacingGain = StartupPacingGain;
    this.cwndGain = DefaultCwndGain;
  }

  private resetFullBw(): void {
    this.fullBw = 0;
    this.fullBwCount = 0;
    this.fullBwNow = false;
  }

  private checkFullBwReached(rs: RateSample): void {
    if (this.fullBwNow || !this.roundStart || rs.isAppLimited) return;
    if (rs.deliveryRate >= this.fullBw * 1.25) {
      this.resetFullBw();
      this.fullBw = rs.deliveryRate;
      return;
    }
    this.fullBwCount++;
    this.fullBwNow = this.fullBwCount >= 3;
    if (this.fullBwNow) this.fullBwReached = true;
  }

  private checkStartupDone(): void {
    this.checkStartupHighLoss();
    if (this.current === BbrState.Startup && this.fullBwReached) this.enterDrain();
  }

  /**
   * BBRCheckStartupHighLoss (§5.3.1.3), evaluated when a round ends: in recovery for a full round, a loss rate
   * above LossThresh, and at least StartupFullLossCnt discontiguous lost ranges in that round.
   */
  private checkStartupHighLoss(): void {
    if (!this.roundStart) return;
    const lost = this.lostBytesInRound;
    const delivered = this.delivered - this.roundStartDelivered;
    const events = this.lossEventsInRound;
    this.lostBytesInRound = 0;
    this.lossEventsInRound = 0;
    this.roundStartDelivered = this.delivered;
    if (this.current !== BbrState.Startup || this.fullBwReached) return;
    if (!this.recovering || this.roundCount - this.recoveryRound < 2) return;
    if (lost <= LossThresh * (lost + delivered) || events < StartupFullLossCnt) return;
    this.fullBwReached = true;
    this.inflightLongterm = Math.max(this.bdpMultiple(this.bw, 1), this.inflightLatest);
  }

  private enterDrain(): void {
    this.current = BbrState.Drain;
    this.pacingGain = DrainPacingGain;
    this.cwndGain = DefaultCwndGain;
  }

  private checkDrainDone(): void {
    if (this.current === BbrState.Drain && this.inflight <= this.inflightFor(this.bw, 1)) this.enterProbeBw();
  }

  // ProbeBW (§5.3.3) ------------------------------------------------------------------------------------------

  private enterProbeBw(): void {
    this.cwndGain = DefaultCwndGain;
    this.startProbeBwDown();
  }

  private startProbeBwDown(): void {
    this.resetCongestionSignals();
    this.probeUpCnt = Infinity;
    this.pickProbeWait();
    this.cycleStamp = this.now;
    this.ackPhase = 'ACKS_PROBE_STOPPING';
    this.startRound();
    this.current = BbrState.ProbeBW_DOWN;
    this.pacingGain = 0.9;
    this.cwndGain = DefaultCwndGain;
  }

  private startProbeBwCruise(): void {
    this.current = BbrState.ProbeBW_CRUISE;
    this.pacingGain = 1;
    this.cwndGain = DefaultCwndGain;
  }

  private startProbeBwRefill(): void {
    this.resetShortTermModel();
    this.bwProbeUpRounds = 0;
    this.bwProbeUpAcks = 0;
    this.ackPhase = 'ACKS_REFILLING';
    this.startRound();
    this.current = BbrState.ProbeBW_REFILL;
    this.pacingGain = 1;
    this.cwndGain = DefaultCwndGain;
  }

  private startProbeBwUp(rs: RateSample): void {
    this.ackPhase = 'ACKS_PROBE_STARTING';
    this.startRound();
    this.resetFullBw();
    this.fullBw = rs.deliveryRate;
    this.current = BbrState.ProbeBW_UP;
    this.pacingGain = 1.25;
    this.cwndGain = 2.25;
    this.raiseInflightLongtermSlope();
  }

  private updateProbeBwCyclePhase(now: number, rs: RateSample): void {
    if (!this.fullBwReached) return;
    this.adaptLongTermModel(rs);
    if (!this.isInAProbeBwState()) return;
    switch (this.current) {
      case BbrState.ProbeBW_DOWN:
        if (this.isTimeToProbeBw(now)) return;
        if (this.isTimeToCruise()) this.startProbeBwCruise();
        return;
      case BbrState.ProbeBW_CRUISE:
        this.isTimeToProbeBw(now);
        return;
      case BbrState.ProbeBW_REFILL:
        if (this.roundStart) {
          this.bwProbeSamples = true;
          this.startProbeBwUp(rs);
        }
        return;
      case BbrState.ProbeBW_UP:
        if (this.isTimeToGoDown(rs)) this.startProbeBwDown();
        return;
      default:
        return;
    }
  }

  private isInAProbeBwState(): boolean {
    const s = this.current;
    return (
      s === BbrState.ProbeBW_DOWN ||
      s === BbrState.ProbeBW_CRUISE ||
      s === BbrState.ProbeBW_REFILL ||
      s === BbrState.ProbeBW_UP
    );
  }

  private isProbingBw(): boolean {
    const s = this.current;
    return s === BbrState.Startup || s === BbrState.ProbeBW_REFILL || s === BbrState.ProbeBW_UP;
  }

  private isTimeToProbeBw(now: number): boolean {
    if (now > this.cycleStamp + this.bwProbeWait || this.isRenoCoexistenceProbeTime()) {
      this.startProbeBwRefill();
      return true;
    }
    return false;
  }

  private pickProbeWait(): void {
    this.roundsSinceBwProbe = Math.floor(this.random() * 2); // 0 or 1
    this.bwProbeWait = 2000 + this.random() * 1000; // 2..3 s
  }

  private isRenoCoexistenceProbeTime(): boolean {
    const renoRounds = this.targetInflight() / this.smss;
    const rounds = Math.min(renoRounds, 63);
    return this.roundsSinceBwProbe >= rounds;
  }

  private targetInflight(): number {
    return Math.min(this.bdp, this.cwnd);
  }

  private isTimeToCruise(): boolean {
    if (this.inflight > this.inflightWithHeadroom()) return false; // not enough headroom
    return this.inflight <= this.inflightFor(this.maxBw, 1); // inflight <= estimated BDP
  }

  private isTimeToGoDown(rs: RateSample): boolean {
    if (this.isCwndLimited && this.cwnd >= this.inflightLongterm) {
      this.resetFullBw(); // bw is limited by inflight_longterm
      this.fullBw = rs.deliveryRate;
    } else if (this.fullBwNow) {
      return true; // we estimate we have fully used the path's bandwidth
    }
    return false;
  }

  private inflightWithHeadroom(): number {
    if (this.inflightLongterm === Infinity) return Infinity;
    const headroom = Math.max(this.smss, Headroom * this.inflightLongterm);
    return Math.max(this.inflightLongterm - headroom, this.minPipeCwnd);
  }

  private raiseInflightLongtermSlope(): void {
    const growthThisRound = this.smss * 2 ** this.bwProbeUpRounds;
    this.bwProbeUpRounds = Math.min(this.bwProbeUpRounds + 1, 30);
    this.probeUpCnt = Math.max(this.cwnd / growthThisRound, 1);
  }

  private probeInflightLongtermUpward(rs: RateSample): void {
    if (!this.isCwndLimited || this.cwnd < this.inflightLongterm) return; // not fully using it: do not grow it
    this.bwProbeUpAcks += rs.newlyAcked;
    if (this.bwProbeUpAcks >= this.probeUpCnt) {
      const delta = Math.floor(this.bwProbeUpAcks / this.probeUpCnt);
      this.bwProbeUpAcks -= delta * this.probeUpCnt;
      this.inflightLongterm += delta;
    }
    if (this.roundStart) this.raiseInflightLongtermSlope();
  }

  private adaptLongTermModel(rs: RateSample): void {
    if (this.ackPhase === 'ACKS_PROBE_STARTING' && this.roundStart) {
      this.ackPhase = 'ACKS_PROBE_FEEDBACK'; // starting to get bandwidth probing samples
    }
    if (this.ackPhase === 'ACKS_PROBE_STOPPING' && this.roundStart) {
      // End of samples from the bandwidth probing phase. As in the Linux reference (bbr_adapt_upper_bounds),
      // the phase then returns to ACKS_INIT, so the max_bw window advances once per ProbeBW cycle; the draft's
      // pseudocode omits this step, which would advance the filter every round and let max_bw decay.
      this.bwProbeSamples = false;
      this.ackPhase = 'ACKS_INIT';
      if (this.isInAProbeBwState() && !rs.isAppLimited) this.advanceMaxBwFilter();
    }
    if (this.isInflightTooHigh(rs.lost, rs.txInFlight)) return;
    // The loss rate is safe: adjust the upper bounds upward.
    if (this.inflightLongterm === Infinity) return;
    if (rs.txInFlight > this.inflightLongterm) this.inflightLongterm = rs.txInFlight;
    if (this.current === BbrState.ProbeBW_UP) this.probeInflightLongtermUpward(rs);
  }

  // ProbeRTT and min_rtt (§5.3.4) -----------------------------------------------------------------------------

  private updateMinRtt(now: number, rs: RateSample): void {
    this.probeRttExpired = now > this.probeRttMinStamp + ProbeRTTInterval;
    if (rs.rtt >= 0 && (rs.rtt < this.probeRttMinDelay || this.probeRttExpired)) {
      this.probeRttMinDelay = rs.rtt;
      this.probeRttMinStamp = now;
    }
    const minRttExpired = now > this.minRttStamp + MinRTTFilterLen;
    if (this.probeRttMinDelay < this.minRttValue || minRttExpired) {
      this.minRttValue = this.probeRttMinDelay;
      this.minRttStamp = this.probeRttMinStamp;
    }
  }

  private checkProbeRtt(now: number, rs: RateSample): void {
    if (this.current !== BbrState.ProbeRTT && this.probeRttExpired && !this.idleRestart) {
      this.enterProbeRtt();
      this.saveCwnd();
      this.probeRttDoneStamp = 0;
      this.ackPhase = 'ACKS_PROBE_STOPPING';
      this.startRound();
    }
    if (this.current === BbrState.ProbeRTT) this.handleProbeRtt(now);
    if (rs.delivered > 0) this.idleRestart = false;
  }

  private enterProbeRtt(): void {
    this.current = BbrState.ProbeRTT;
    this.pacingGain = 1;
    this.cwndGain = ProbeRTTCwndGain;
  }

  private handleProbeRtt(now: number): void {
    // Ignore low rate samples during ProbeRTT.
    this.deliveryRate?.markAppLimited(this.inflight);
    if (this.probeRttDoneStamp === 0 && this.inflight <= this.probeRttCwnd()) {
      // Wait for at least ProbeRTTDuration and at least one round.
      this.probeRttDoneStamp = now + ProbeRTTDuration;
      this.probeRttRoundDone = false;
      this.startRound();
    } else if (this.probeRttDoneStamp !== 0) {
      if (this.roundStart) this.probeRttRoundDone = true;
      if (this.probeRttRoundDone) this.checkProbeRttDone(now);
    }
  }

  private checkProbeRttDone(now: number): void {
    if (this.probeRttDoneStamp !== 0 && now > this.probeRttDoneStamp) {
      // Schedule the next ProbeRTT.
      this.probeRttMinStamp = now;
      this.restoreCwnd();
      this.exitProbeRtt();
    }
  }

  private exitProbeRtt(): void {
    this.resetShortTermModel();
    if (this.fullBwReached) {
      this.startProbeBwDown();
      this.startProbeBwCruise();
    } else {
      this.enterStartup();
    }
  }

  // Control parameters (§5.6) ---------------------------------------------------------------------------------

  private initPacingRate(rtt: RttView): void {
    const nominalBandwidth = this.initialCwnd / Math.max(rtt.smoothedRtt, 0.001);
    this.pacingRateValue = StartupPacingGain * nominalBandwidth;
    this.pacingInitialized = true;
  }

  private setPacingRateWithGain(gain: number): void {
    const rate = (gain * this.bw * (100 - PacingMarginPercent)) / 100;
    if (this.fullBwReached || rate > this.pacingRateValue) this.pacingRateValue = rate;
  }

  private setPacingRate(): void {
    if (this.pacingInitialized) this.setPacingRateWithGain(this.pacingGain);
  }

  private setSendQuantum(): void {
    this.sendQuantum = Math.max(Math.min(this.pacingRateValue * 1, 64 * 1024), 2 * this.smss);
  }

  private bdpMultiple(bw: number, gain: number): number {
    if (this.minRttValue === Infinity) return this.initialCwnd; // no valid RTT samples yet
    this.bdp = bw * this.minRttValue;
    return gain * this.bdp;
  }

  private quantizationBudget(inflightCap: number): number {
    this.offloadBudget = 3 * this.sendQuantum;
    let cap = Math.max(inflightCap, this.offloadBudget, this.minPipeCwnd);
    if (this.current === BbrState.ProbeBW_UP) cap += 2 * this.smss;
    return cap;
  }

  /** BBRInflight(bw, gain): the BDP multiple with the quantization budget. */
  private inflightFor(bw: number, gain: number): number {
    return this.quantizationBudget(this.bdpMultiple(bw, gain));
  }

  private updateMaxInflight(): void {
    const inflightCap = this.bdpMultiple(this.bw, this.cwndGain) + this.extraAcked;
    this.maxInflight = this.quantizationBudget(inflightCap);
  }

  private setCwnd(rs: RateSample): void {
    this.updateMaxInflight();
    if (this.fullBwReached) {
      this.cwnd = Math.min(this.cwnd + rs.newlyAcked, this.maxInflight);
    } else if (this.cwnd < this.maxInflight || this.delivered < this.initialCwnd) {
      this.cwnd += rs.newlyAcked;
    }
    this.cwnd = Math.max(this.cwnd, this.minPipeCwnd);
    this.boundCwndForProbeRtt();
    this.boundCwndForModel();
  }

  private probeRttCwnd(): number {
    return Math.max(this.bdpMultiple(this.bw, ProbeRTTCwndGain), this.minPipeCwnd);
  }

  private boundCwndForProbeRtt(): void {
    if (this.current === BbrState.ProbeRTT) this.cwnd = Math.min(this.cwnd, this.probeRttCwnd());
  }

  private boundCwndForModel(): void {
    let cap = Infinity;
    if (this.isInAProbeBwState() && this.current !== BbrState.ProbeBW_CRUISE) {
      cap = this.inflightLongterm;
    } else if (this.current === BbrState.ProbeRTT || this.current === BbrState.ProbeBW_CRUISE) {
      cap = this.inflightWithHeadroom();
    }
    cap = Math.min(cap, this.inflightShortterm);
    cap = Math.max(cap, this.minPipeCwnd);
    this.cwnd = Math.min(this.cwnd, cap);
  }

  private saveCwnd(): void {
    if (!this.recovering && this.current !== BbrState.ProbeRTT) this.priorCwnd = this.cwnd;
    else this.priorCwnd = Math.max(this.priorCwnd, this.cwnd);
  }

  private restoreCwnd(): void {
    this.cwnd = Math.max(this.cwnd, this.priorCwnd);
  }
}
