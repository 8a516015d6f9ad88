/**
 * Link settings: one home with defaults and validation (STYLE.md "Settings objects have one home").
 */

/**
 * Gilbert-Elliott burst loss: a two-state Markov chain stepped once per datagram. Each datagram first moves the
 * chain (good to bad with `pGoodToBad`, bad to good with `pBadToGood`), then is lost with the new state's loss
 * probability. The mean burst length in the bad state is `1 / pBadToGood` datagrams.
 */
export interface GilbertElliott {
  /** Probability of moving from the good to the bad state, per datagram. */
  readonly pGoodToBad: number;
  /** Probability of moving from the bad to the good state, per datagram. */
  readonly pBadToGood: number;
  /** Loss probability in the good state (default 0). */
  readonly lossGood?: number;
  /** Loss probability in the bad state (default 1). */
  readonly lossBad?: number;
}

/** A time window `[from, to)` in virtual ms during which a link drops every datagram sent into it. */
export interface Blackhole {
  /** Start, inclusive. */
  readonly from: number;
  /** End, exclusive. */
  readonly to: number;
}

/**
 * Decides whether to drop a datagram: `index` counts the datagrams offered to this link from 0 (dropped ones
 * included), `now` is the time it enters the link. Return `true` to drop. Must be deterministic.
 */
export type DropFilter = (datagram: Uint8Array, index: number, now: number) => boolean;

/**
 * The behaviour of one direction of a link. Every field is optional; the default is a perfect, instant link.
 * The pipeline a datagram goes through, in this order: filter, MTU, blackhole, bandwidth queue (drop-tail),
 * random loss, burst loss, then for the datagram and any duplicate: corruption, delay + jitter, reordering.
 */
export interface LinkConfig {
  /** One-way propagation delay in ms (default 0). */
  readonly delay?: number;
  /** Extra delay drawn uniformly in [0, jitter) ms per datagram (default 0). Reorders unless `preserveOrder`. */
  readonly jitter?: number;
  /** When true, jitter never lets a datagram overtake an earlier one (explicit reordering still does). */
  readonly preserveOrder?: boolean;
  /** Bottleneck rate in bytes per second (default `Infinity`: no serialization delay, no queue). */
  readonly bandwidth?: number;
  /** Drop-tail queue limit in bytes, not counting the datagram being serialized (default `Infinity`). */
  readonly queueBytes?: number;
  /** Bytes added to each datagram for bandwidth and queue accounting, e.g. 28 for IPv4 + UDP (default 0). */
  readonly overheadBytes?: number;
  /** Largest UDP payload the link carries; bigger datagrams are dropped (default `Infinity`). */
  readonly mtu?: number;
  /** Bernoulli loss probability per datagram (default 0). */
  readonly loss?: number;
  /** Gilbert-Elliott burst loss (default none). */
  readonly burstLoss?: GilbertElliott;
  /** Probability that a datagram is held back by `reorderDelay` ms (default 0). */
  readonly reorderProbability?: number;
  /** Extra hold-back of a reordered datagram, in ms (default 10). */
  readonly reorderDelay?: number;
  /** Probability that a datagram is delivered twice (default 0). */
  readonly duplicateProbability?: number;
  /** Probability that a datagram copy has bits flipped (default 0). */
  readonly corruptProbability?: number;
  /** How many distinct bits a corruption flips (default 1). */
  readonly corruptBits?: number;
  /** Windows during which the link drops everything (default none). */
  readonly blackholes?: readonly Blackhole[];
  /** Drops chosen datagrams, e.g. "the first two Initials" (default none). */
  readonly dropFilter?: DropFilter;
}

/** A {@link LinkConfig} with every default filled in. */
export interface ResolvedLinkConfig {
  readonly delay: number;
  readonly jitter: number;
  readonly preserveOrder: boolean;
  readonly bandwidth: number;
  readonly queueBytes: number;
  readonly overheadBytes: number;
  readonly mtu: number;
  readonly loss: number;
  readonly burstLoss: Required<GilbertElliott> | undefined;
  readonly reorderProbability: number;
  readonly reorderDelay: number;
  readonly duplicateProbability: number;
  readonly corruptProbability: number;
  readonly corruptBits: number;
  readonly blackholes: readonly Blackhole[];
  readonly dropFilter: DropFilter | undefined;
}

function probability(v: number | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new RangeError(`${name} must be a probability in [0, 1], got ${String(v)}`);
  }
  return v;
}

function nonNegative(v: number | undefined, name: string, fallback: number, allowInfinity = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (!allowInfinity && !Number.isFinite(v))) {
    throw new RangeError(`${name} must be a ${allowInfinity ? '' : 'finite '}number >= 0, got ${String(v)}`);
  }
  return v;
}

/**
 * Fills defaults into `config` and validates every field, throwing `RangeError`/`TypeError` that names the field.
 */
export function resolveLinkConfig(config: LinkConfig = {}): ResolvedLinkConfig {
  const bandwidth = nonNegative(config.bandwidth, 'bandwidth', Infinity, true);
  if (bandwidth === 0) throw new RangeError('bandwidth must be > 0 bytes per second');
  const mtu = nonNegative(config.mtu, 'mtu', Infinity, true);
  const corruptBits = config.corruptBits ?? 1;
  if (!Number.isInteger(corruptBits) || corruptBits < 1) {
    throw new RangeError(`corruptBits must be an integer >= 1, got ${String(corruptBits)}`);
  }
  let burstLoss: Required<GilbertElliott> | undefined;
  if (config.burstLoss !== undefined) {
    const b = config.burstLoss;
    burstLoss = {
      pGoodToBad: probability(b.pGoodToBad, 'burstLoss.pGoodToBad', NaN),
      pBadToGood: probability(b.pBadToGood, 'burstLoss.pBadToGood', NaN),
      lossGood: probability(b.lossGood, 'burstLoss.lossGood', 0),
      lossBad: probability(b.lossBad, 'burstLoss.lossBad', 1),
    };
    if (Number.isNaN(burstLoss.pGoodToBad) || Number.isNaN(burstLoss.pBadToGood)) {
      throw new RangeError('burstLoss needs pGoodToBad and pBadToGood');
    }
  }
  const blackholes = (config.blackholes ?? []).map((w, i) => {
    if (!(typeof w.from === 'number' && typeof w.to === 'number' && w.from <= w.to) || Number.isNaN(w.from)) {
      throw new RangeError(`blackholes[${i}] must have numbers from <= to, got [${String(w.from)}, ${String(w.to)})`);
    }
    return { from: w.from, to: w.to };
  });
  if (config.dropFilter !== undefined && typeof config.dropFilter !== 'function') {
    throw new TypeError('dropFilter must be a function');
  }
  return {
    delay: nonNegative(config.delay, 'delay', 0),
    jitter: nonNegative(config.jitter, 'jitter', 0),
    preserveOrder: config.preserveOrder ?? false,
    bandwidth,
    queueBytes: nonNegative(config.queueBytes, 'queueBytes', Infinity, true),
    overheadBytes: nonNegative(config.overheadBytes, 'overheadBytes', 0),
    mtu,
    loss: probability(config.loss, 'loss', 0),
    burstLoss,
    reorderProbability: probability(config.reorderProbability, 'reorderProbability', 0),
    reorderDelay: nonNegative(config.reorderDelay, 'reorderDelay', 10),
    duplicateProbability: probability(config.duplicateProbability, 'duplicateProbability', 0),
    corruptProbability: probability(config.corruptProbability, 'corruptProbability', 0),
    corruptBits,
    blackholes,
    dropFilter: config.dropFilter,
  };
}
