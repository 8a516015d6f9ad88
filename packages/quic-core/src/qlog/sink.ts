/**
 * Where a connection's qlog events go. The Connection holds one {@link QlogSink} and checks `enabled` before it
 * builds an event, so a disabled sink ({@link NOOP_QLOG_SINK}) costs one property read per would-be event.
 */
import type { QlogEvent, QlogEventDataMap, QlogEventName } from './events.js';

/**
 * Receives qlog events. Implementations: {@link QlogWriter} (JSON-SEQ text), {@link QlogRecorder} (in memory), and
 * {@link NOOP_QLOG_SINK}.
 *
 * @example
 * if (sink.enabled) sink.event(now, 'recovery:metrics_updated', { congestion_window: cwnd });
 */
export interface QlogSink {
  /** False when events are discarded: callers skip building them. Constant for the sink's lifetime. */
  readonly enabled: boolean;
  /**
   * Records one event.
   *
   * @param time the connection's monotonic clock in milliseconds (the same `now` the Connection is given)
   * @param name the event's qlog name
   * @param data the event's data, with the schema's field names; the sink may keep a reference, so do not mutate it
   */
  event<N extends QlogEventName>(time: number, name: N, data: QlogEventDataMap[N]): void;
}

function discard(): void {
  // A disabled sink drops everything.
}

/** The sink that drops every event: `enabled` is false, so callers never build one. Frozen and shared. */
export const NOOP_QLOG_SINK: QlogSink = Object.freeze({ enabled: false, event: discard });

/**
 * A sink that keeps every event in memory, for tests and for tools that inspect events as values.
 *
 * @example
 * const rec = new QlogRecorder();
 * rec.event(5, 'connectivity:mtu_updated', { new: 1452 });
 * rec.named('connectivity:mtu_updated')[0]?.data.new; // 1452
 */
export class QlogRecorder implements QlogSink {
  readonly enabled = true;
  /** Every event received, in order. */
  readonly events: QlogEvent[] = [];

  event<N extends QlogEventName>(time: number, name: N, data: QlogEventDataMap[N]): void {
    this.events.push({ time, name, data } as QlogEvent);
  }

  /** The events named `name`, in order, typed by their data. */
  named<N extends QlogEventName>(name: N): Array<{ readonly time: number; readonly name: N; readonly data: QlogEventDataMap[N] }> {
    const out: Array<{ readonly time: number; readonly name: N; readonly data: QlogEventDataMap[N] }> = [];
    for (const e of this.events) {
      if (e.name === name) out.push(e as { readonly time: number; readonly name: N; readonly data: QlogEventDataMap[N] });
    }
    return out;
  }

  /** Forgets every recorded event. */
  clear(): void {
    this.events.length = 0;
  }
}

/**
 * A sink that forwards each event to several sinks (e.g. a {@link QlogWriter} and a {@link QlogRecorder}). Enabled
 * when any of them is; disabled sinks are skipped.
 */
export class QlogTee implements QlogSink {
  readonly enabled: boolean;
  private readonly sinks: readonly QlogSink[];

  /** @param sinks the sinks to forward to, in order */
  constructor(sinks: readonly QlogSink[]) {
    this.sinks = sinks.filter((s) => s.enabled);
    this.enabled = this.sinks.length > 0;
  }

  event<N extends QlogEventName>(time: number, name: N, data: QlogEventDataMap[N]): void {
    for (const s of this.sinks) s.event(time, name, data);
  }
}
