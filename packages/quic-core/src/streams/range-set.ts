/**
 * A set of non-negative integers stored as sorted, disjoint, non-adjacent half-open ranges `[start, end)`.
 * The send side uses it for acknowledged and lost byte ranges of a stream. Operations are O(log n + k) for k
 * ranges touched.
 */
export class RangeSet {
  /** Flat pairs: starts at even indexes, ends at odd. */
  #r: number[] = [];

  /** Number of disjoint ranges. */
  get size(): number {
    return this.#r.length >> 1;
  }

  /** True if the set holds nothing. */
  isEmpty(): boolean {
    return this.#r.length === 0;
  }

  /** The i-th range, in ascending order. */
  range(i: number): { readonly start: number; readonly end: number } {
    return { start: this.#r[2 * i]!, end: this.#r[2 * i + 1]! };
  }

  /** The smallest value in the set, or undefined. */
  first(): { readonly start: number; readonly end: number } | undefined {
    return this.#r.length ? { start: this.#r[0]!, end: this.#r[1]! } : undefined;
  }

  /** Index of the first range whose end is >= `v` (the first range that could touch `v`). */
  #lowerBound(v: number): number {
    let lo = 0;
    let hi = this.#r.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#r[2 * mid + 1]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds `[start, end)`, merging with touching ranges. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const r = this.#r;
    const i = this.#lowerBound(start);
    let j = i;
    let s = start;
    let e = end;
    while (j < r.length >> 1 && r[2 * j]! <= e) {
      s = Math.min(s, r[2 * j]!);
      e = Math.max(e, r[2 * j + 1]!);
      j++;
    }
    r.splice(2 * i, 2 * (j - i), s, e);
  }

  /** Removes `[start, end)`. */
  remove(start: number, end: number): void {
    if (end <= start) return;
    const r = this.#r;
    const i = this.#lowerBound(start + 1);
    const out: number[] = [];
    let j = i;
    while (j < r.length >> 1 && r[2 * j]! < end) {
      const s = r[2 * j]!;
      const e = r[2 * j + 1]!;
      if (s < start) out.push(s, start);
      if (e > end) out.push(end, e);
      j++;
    }
    if (j > i) r.splice(2 * i, 2 * (j - i), ...out);
  }

  /** Removes everything below `v`. */
  removeBelow(v: number): void {
    if (this.#r.length === 0 || this.#r[0]! >= v) return;
    this.remove(0, v);
  }

  /** True if every value of `[start, end)` is in the set. */
  containsRange(start: number, end: number): boolean {
    if (end <= start) return true;
    const i = this.#lowerBound(start + 1);
    return i < this.#r.length >> 1 && this.#r[2 * i]! <= start && this.#r[2 * i + 1]! >= end;
  }

  /** True if `v` is in the set. */
  has(v: number): boolean {
    return this.containsRange(v, v + 1);
  }

  /** Calls `fn` for each maximal sub-range of `[start, end)` that is NOT in the set, ascending. */
  forEachGap(start: number, end: number, fn: (start: number, end: number) => void): void {
    let pos = start;
    for (let i = this.#lowerBound(start + 1); i < this.#r.length >> 1 && pos < end; i++) {
      const s = this.#r[2 * i]!;
      if (s >= end) break;
      if (s > pos) fn(pos, s);
      pos = Math.max(pos, this.#r[2 * i + 1]!);
    }
    if (pos < end) fn(pos, end);
  }

  /** All ranges, ascending (for tests and debugging). */
  toArray(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.#r.length; i += 2) out.push([this.#r[i]!, this.#r[i + 1]!]);
    return out;
  }
}
