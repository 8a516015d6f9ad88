/**
 * A bounded FIFO on a ring buffer: the worker mailboxes and the socket's send queue. `push` refuses when full (the
 * caller drops and counts), nothing is copied, and `shift` never reallocates.
 */

/**
 * A FIFO of at most `capacity` items.
 *
 * @example
 * const mailbox = new BoundedQueue<Incoming>(256);
 * if (!mailbox.push(incoming)) metrics.datagramDropped('mailboxFull');
 */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;

  /** @throws RangeError unless `capacity` is an integer of at least 1 */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  /** Items queued. */
  get length(): number {
    return this.count;
  }

  /** True when `push` would refuse. */
  isFull(): boolean {
    return this.count === this.capacity;
  }

  /** Appends `item`; false (and nothing queued) when full. */
  push(item: T): boolean {
    if (this.count === this.capacity) return false;
    let tail = this.head + this.count;
    if (tail >= this.capacity) tail -= this.capacity;
    this.items[tail] = item;
    this.count++;
    return true;
  }

  /** Puts `item` back at the front (a send to retry first); false when full. */
  unshift(item: T): boolean {
    if (this.count === this.capacity) return false;
    this.head = this.head === 0 ? this.capacity - 1 : this.head - 1;
    this.items[this.head] = item;
    this.count++;
    return true;
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.count--;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Drops everything. */
  clear(): void {
    while (this.count > 0) this.shift();
    this.head = 0;
  }
}
