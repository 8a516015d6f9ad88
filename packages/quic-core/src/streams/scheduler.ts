/** Default urgency (RFC 9218 §4.1). */
export const DEFAULT_URGENCY = 3;

interface Priority {
  urgency: number;
  incremental: boolean;
}

/**
 * Decides which stream sends next (RFC 9218 §4 as a transport scheduler): lower urgency first; within an
 * urgency, non-incremental streams one at a time in stream-ID order, then incremental streams round-robin.
 */
export class Scheduler {
  readonly #priority = new Map<number, Priority>();
  /** Per urgency: pending non-incremental ids sorted ascending, and pending incremental ids in round-robin order. */
  readonly #sequential: number[][] = Array.from({ length: 8 }, () => []);
  readonly #roundRobin: number[][] = Array.from({ length: 8 }, () => []);
  readonly #pending = new Set<number>();

  #prio(id: number): Priority {
    return this.#priority.get(id) ?? { urgency: DEFAULT_URGENCY, incremental: false };
  }

  /** Sets the priority of `id` (kept until the stream is removed). */
  setPriority(id: number, urgency: number, incremental: boolean): void {
    const wasPending = this.#pending.has(id);
    if (wasPending) this.remove(id);
    this.#priority.set(id, { urgency, incremental });
    if (wasPending) this.markPending(id);
  }

  /** `id` has data to send. */
  markPending(id: number): void {
    if (this.#pending.has(id)) return;
    this.#pending.add(id);
    const p = this.#prio(id);
    if (p.incremental) {
      this.#roundRobin[p.urgency]!.push(id);
      return;
    }
    const list = this.#sequential[p.urgency]!;
    let i = list.length;
    while (i > 0 && list[i - 1]! > id) i--;
    list.splice(i, 0, id);
  }

  /** `id` has nothing more to send (or is gone). */
  remove(id: number): void {
    if (!this.#pending.delete(id)) return;
    const p = this.#prio(id);
    const list = p.incremental ? this.#roundRobin[p.urgency]! : this.#sequential[p.urgency]!;
    const i = list.indexOf(id);
    if (i >= 0) list.splice(i, 1);
  }

  /** Forgets `id` entirely. */
  forget(id: number): void {
    this.remove(id);
    this.#priority.delete(id);
  }

  /** The stream that should send next. */
  peek(): number | undefined {
    for (let u = 0; u < 8; u++) {
      const seq = this.#sequential[u]!;
      if (seq.length) return seq[0];
      const rr = this.#roundRobin[u]!;
      if (rr.length) return rr[0];
    }
    return undefined;
  }

  /** `id` sent a chunk and still has more: an incremental stream moves to the back of its round. */
  rotate(id: number): void {
    const p = this.#prio(id);
    if (!p.incremental || !this.#pending.has(id)) return;
    const rr = this.#roundRobin[p.urgency]!;
    const i = rr.indexOf(id);
    if (i >= 0) {
      rr.splice(i, 1);
      rr.push(id);
    }
  }
}
