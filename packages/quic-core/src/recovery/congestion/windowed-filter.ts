/**
 * A windowed running maximum over a virtual time axis (Kathleen Nichols' algorithm, as BBR uses it for
 * extra_acked): it keeps the best, second-best and third-best samples of sub-windows, so the maximum over the
 * last `window` time units is known in O(1) time and space.
 *
 * @module
 */

interface Sample {
  time: number;
  value: number;
}

/** A running maximum of the samples whose time is within `window` of the newest. */
export class WindowedMaxFilter {
  private readonly s: [Sample, Sample, Sample] = [
    { time: 0, value: 0 },
    { time: 0, value: 0 },
    { time: 0, value: 0 },
  ];

  /** The current windowed maximum. */
  get best(): number {
    return this.s[0].value;
  }

  /** Forgets everything and starts over with one sample. */
  reset(time: number, value: number): number {
    for (const x of this.s) {
      x.time = time;
      x.value = value;
    }
    return value;
  }

  /** Adds a sample at `time` (non-decreasing) and returns the maximum over the last `window` time units. */
  update(time: number, value: number, window: number): number {
    const [first, second, third] = this.s;
    if (value >= first.value || time - third.time > window) return this.reset(time, value);
    if (value >= second.value) {
      second.time = third.time = time;
      second.value = third.value = value;
    } else if (value >= third.value) {
      third.time = time;
      third.value = value;
    }
    const dt = time - first.time;
    if (dt > window) {
      // The best sample aged out: promote the others and take the new one as third.
      this.shift(time, value);
      if (time - this.s[0].time > window) this.shift(time, value);
    } else if (second.time === first.time && dt > window / 4) {
      // A quarter of the window passed with no second choice: take one from the current sub-window.
      second.time = third.time = time;
      second.value = third.value = value;
    } else if (third.time === second.time && dt > window / 2) {
      third.time = time;
      third.value = value;
    }
    return this.s[0].value;
  }

  private shift(time: number, value: number): void {
    const [first, second, third] = this.s;
    first.time = second.time;
    first.value = second.value;
    second.time = third.time;
    second.value = third.value;
    third.time = time;
    third.value = value;
  }
}
