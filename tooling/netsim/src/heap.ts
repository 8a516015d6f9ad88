/** What the event queue orders by: virtual time first, then insertion sequence (first scheduled, first run). */
export interface Scheduled {
  /** Virtual time in ms. */
  readonly time: number;
  /** A number unique per queue and increasing with insertion; breaks ties so runs are exactly reproducible. */
  readonly seq: number;
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/**
 * A binary min-heap of events ordered by `(time, seq)`. Two events at the same time come out in insertion order,
 * so the order of a run never depends on heap internals.
 */
export class EventQueue<T extends Scheduled> {
  readonly #items: T[] = [];

  /** Number of queued events. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an event. */
  push(item: T): void {
    const items = this.#items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** The earliest event without removing it, or `undefined` when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Removes and returns the earliest event, or `undefined` when empty. */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = items[l] as T;
      if (r < n) {
        const right = items[r] as T;
        if (before(right, child)) {
          c = r;
          child = right;
        }
      }
      if (!before(child, last)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }
}
