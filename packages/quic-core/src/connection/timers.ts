/**
 * The connection's timers as a named table (quinn's `TimerTable`): each timer is an absolute deadline in ms or
 * unset; `Connection.pollTimeout()` is the earliest; `Connection.handleTimeout(now)` fires every expired one in the
 * fixed order of {@link TIMER_ORDER}.
 *
 * @module
 */

/** The connection's timers, in the order they fire when several expire at once. */
export const TIMER_ORDER = [
  /** Idle timeout (RFC 9000 §10.1): nothing heard from the peer for the idle period. */
  'idle',
  /** Loss detection: time-threshold loss or the probe timeout (RFC 9002 §6.1.2, §6.2). */
  'lossDetection',
  /** A delayed ACK is due (RFC 9000 §13.2.1). */
  'ackDelay',
  /** Old keys are due to be discarded (key update, RFC 9001 §6.5; reserved for that work). */
  'keyDiscard',
  /** A path validation attempt expires (RFC 9000 §8.2.4; reserved for migration). */
  'pathValidation',
  /** The closing or draining period ends (RFC 9000 §10.2). */
  'close',
] as const;

/** A timer's name. */
export type TimerName = (typeof TIMER_ORDER)[number];

/** Absolute deadlines by timer name. */
export class TimerTable {
  readonly #deadlines = new Map<TimerName, number>();

  /** Arms `name` at `deadline` (ms), or disarms it with `undefined`. */
  set(name: TimerName, deadline: number | undefined): void {
    if (deadline === undefined || !Number.isFinite(deadline)) this.#deadlines.delete(name);
    else this.#deadlines.set(name, deadline);
  }

  /** The deadline of `name`, if armed. */
  get(name: TimerName): number | undefined {
    return this.#deadlines.get(name);
  }

  /** Disarms every timer. */
  clear(): void {
    this.#deadlines.clear();
  }

  /** The earliest deadline, or `undefined` when no timer is armed. */
  earliest(): number | undefined {
    let min: number | undefined;
    for (const t of this.#deadlines.values()) if (min === undefined || t < min) min = t;
    return min;
  }

  /** The names of the timers expired at `now`, in firing order; they stay armed until the caller resets them. */
  expired(now: number): TimerName[] {
    const out: TimerName[] = [];
    for (const name of TIMER_ORDER) {
      const t = this.#deadlines.get(name);
      if (t !== undefined && t <= now) out.push(name);
    }
    return out;
  }
}
