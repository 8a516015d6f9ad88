/**
 * qlog 0.3 JSON-SEQ serialisation (draft-ietf-quic-qlog-main-schema-02..04 `QlogFileSeq`; RFC 7464 JSON text
 * sequences), the format qvis loads: a header record, then one record per event, each record an RS byte (0x1e),
 * one line of JSON, and a line feed.
 *
 * Sans-io: the writer hands each record to a callback; the I/O layer decides where the text goes (a `.sqlog` file,
 * a socket, memory).
 */
import { QlogEventImportance } from './events.js';
import type { QlogEventDataMap, QlogEventName, QlogImportance } from './events.js';
import type { QlogSink } from './sink.js';

/** The qlog version qk writes: the one qvis understands (it also accepts `draft-02`). */
export const QLOG_VERSION = '0.3';

/** The record separator that starts every JSON-SEQ record (RFC 7464 §2). */
export const JSON_SEQ_RS = '\u001e';

/** Whose view a trace records (main schema `VantagePointType`). */
export type QlogVantagePointType = 'client' | 'server' | 'network' | 'unknown';

/** The first record of a JSON-SEQ qlog file (main schema `QlogFileSeq` with its `TraceSeq`). */
export interface QlogFileSeqHeader {
  readonly qlog_version: typeof QLOG_VERSION;
  readonly qlog_format: 'JSON-SEQ';
  readonly title?: string;
  readonly description?: string;
  readonly trace: {
    readonly title?: string;
    readonly description?: string;
    readonly vantage_point: { readonly name?: string; readonly type: QlogVantagePointType };
    readonly common_fields: {
      readonly protocol_type: readonly ['QUIC'];
      /** Every event's `time` is milliseconds after `reference_time`. */
      readonly time_format: 'relative';
      /** Milliseconds; since the Unix epoch when the I/O layer supplied a wall-clock value. */
      readonly reference_time: number;
      /** The connection's original destination connection ID, hex, when known. */
      readonly group_id?: string;
    };
    readonly configuration: { readonly time_offset: number; readonly code_version?: string };
  };
}

/** Options of a {@link QlogWriter}. */
export interface QlogWriterOptions {
  /** Receives each record (RS, JSON, LF) as it is produced. */
  readonly write: (chunk: string) => void;
  /** Whose view this trace records. */
  readonly vantagePoint: QlogVantagePointType;
  /**
   * The connection clock's value (monotonic milliseconds, the Connection's `now`) at time zero of the trace,
   * typically the `now` at which the connection started. Event times are written relative to it.
   */
  readonly referenceTime: number;
  /**
   * The wall-clock time (milliseconds since the Unix epoch) matching `referenceTime`, written as the header's
   * `reference_time` so tools can show absolute times. Sans-io code cannot read the clock: the I/O layer passes
   * `Date.now()` here. Defaults to `referenceTime`.
   */
  readonly referenceEpoch?: number;
  /** Title of the file and trace. */
  readonly title?: string;
  /** Description of the file and trace. */
  readonly description?: string;
  /** Name of the vantage point, e.g. `qk client`. */
  readonly vantagePointName?: string;
  /** The original destination connection ID (hex), written as `group_id`. */
  readonly groupId?: string;
  /** Free text identifying the software, written as `configuration.code_version`. */
  readonly codeVersion?: string;
  /** The least important events to write: `core` writes only core events, `extra` (the default) writes all. */
  readonly importance?: QlogImportance;
}

const IMPORTANCE_RANK: Readonly<Record<QlogImportance, number>> = { core: 0, base: 1, extra: 2 };
const VANTAGE_POINTS: ReadonlySet<string> = new Set(['client', 'server', 'network', 'unknown']);

/** Rounds a millisecond time to microseconds, so float noise does not bloat the file. */
function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * Writes one qlog trace as JSON-SEQ text: the header record at construction, then one record per event. Event
 * times are written relative to the reference time, in milliseconds rounded to microseconds.
 *
 * Events should arrive in non-decreasing time order (the main schema asks for it; qvis re-sorts otherwise and
 * complains). The writer does not reorder or clamp them.
 *
 * @example
 * const chunks: string[] = [];
 * const qlog = new QlogWriter({ write: (c) => chunks.push(c), vantagePoint: 'client', referenceTime: now });
 * qlog.event(now + 1.5, 'transport:packet_sent', { header: { packet_type: 'initial', packet_number: 0 } });
 * // chunks.join('') is a .sqlog file qvis opens
 */
export class QlogWriter implements QlogSink {
  readonly enabled = true;
  /** The header record's contents, as written. */
  readonly header: QlogFileSeqHeader;
  private readonly write: (chunk: string) => void;
  private readonly referenceTime: number;
  private readonly maxRank: number;
  private count = 0;

  /**
   * Writes the header record at once.
   *
   * @throws RangeError if `referenceTime` or `referenceEpoch` is not a finite number
   * @throws TypeError if `vantagePoint` or `importance` is not one of the schema's values
   */
  constructor(options: QlogWriterOptions) {
    if (!Number.isFinite(options.referenceTime)) {
      throw new RangeError(`referenceTime must be a finite number, not ${options.referenceTime}`);
    }
    const epoch = options.referenceEpoch ?? options.referenceTime;
    if (!Number.isFinite(epoch)) throw new RangeError(`referenceEpoch must be a finite number, not ${epoch}`);
    if (!VANTAGE_POINTS.has(options.vantagePoint)) {
      throw new TypeError(`vantagePoint must be client, server, network or unknown, not ${String(options.vantagePoint)}`);
    }
    const importance = options.importance ?? 'extra';
    const rank = IMPORTANCE_RANK[importance];
    if (rank === undefined) throw new TypeError(`importance must be core, base or extra, not ${String(importance)}`);
    this.write = options.write;
    this.referenceTime = options.referenceTime;
    this.maxRank = rank;
    this.header = {
      qlog_version: QLOG_VERSION,
      qlog_format: 'JSON-SEQ',
      ...(options.title === undefined ? {} : { title: options.title }),
      ...(options.description === undefined ? {} : { description: options.description }),
      trace: {
        ...(options.title === undefined ? {} : { title: options.title }),
        ...(options.description === undefined ? {} : { description: options.description }),
        vantage_point: {
          ...(options.vantagePointName === undefined ? {} : { name: options.vantagePointName }),
          type: options.vantagePoint,
        },
        common_fields: {
          protocol_type: ['QUIC'],
          time_format: 'relative',
          reference_time: epoch,
          ...(options.groupId === undefined ? {} : { group_id: options.groupId }),
        },
        configuration: {
          time_offset: 0,
          ...(options.codeVersion === undefined ? {} : { code_version: options.codeVersion }),
        },
      },
    };
    this.write(`${JSON_SEQ_RS}${JSON.stringify(this.header)}\n`);
  }

  /** How many event records were written (the header not counted). */
  get eventCount(): number {
    return this.count;
  }

  /**
   * Writes one event record, unless the event is less important than the writer's `importance`.
   *
   * @param time the connection clock in milliseconds; written as `time - referenceTime`
   * @throws TypeError if `name` is not a known event name
   * @throws RangeError if `time` is not a finite number
   */
  event<N extends QlogEventName>(time: number, name: N, data: QlogEventDataMap[N]): void {
    const importance: QlogImportance | undefined = QlogEventImportance[name];
    if (importance === undefined) throw new TypeError(`unknown qlog event name ${JSON.stringify(name)}`);
    if (IMPORTANCE_RANK[importance] > this.maxRank) return;
    if (!Number.isFinite(time)) throw new RangeError(`qlog event time must be a finite number, not ${time}`);
    // The name comes from the registry: safe to splice in without escaping.
    const t = roundMicros(time - this.referenceTime);
    this.write(`${JSON_SEQ_RS}{"time":${JSON.stringify(t)},"name":"${name}","data":${JSON.stringify(data)}}\n`);
    this.count++;
  }
}

/**
 * Parses JSON-SEQ text (RFC 7464) into its records, for tests and tools that read qlog files back. Strict: the
 * text must start with RS and every record must end with a line feed.
 *
 * @throws TypeError if the framing is wrong
 * @throws SyntaxError if a record is not valid JSON
 */
export function parseJsonSeq(text: string): unknown[] {
  if (text.length === 0) return [];
  if (text[0] !== JSON_SEQ_RS) throw new TypeError('JSON-SEQ text must start with a record separator (0x1e)');
  const parts = text.split(JSON_SEQ_RS);
  const out: unknown[] = [];
  for (let i = 1; i < parts.length; i++) {
    const record = parts[i]!;
    if (!record.endsWith('\n')) throw new TypeError(`JSON-SEQ record ${i - 1} does not end with a line feed`);
    out.push(JSON.parse(record));
  }
  return out;
}
