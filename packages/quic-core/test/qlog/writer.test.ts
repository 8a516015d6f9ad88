/**
 * The JSON-SEQ writer: RFC 7464 framing, the qlog 0.3 header qvis requires, times relative to the reference time,
 * importance filtering, and the no-op / recorder / tee sinks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  JSON_SEQ_RS,
  NOOP_QLOG_SINK,
  QLOG_VERSION,
  QlogEventImportance,
  QlogRecorder,
  QlogTee,
  QlogWriter,
  parseJsonSeq,
} from '../../src/qlog/index.js';
import type { QlogEventName, QlogSink, QlogWriterOptions } from '../../src/qlog/index.js';
import vectors from '../vectors/qlog-quic-events.json' with { type: 'json' };
import { fullEvents } from './fixtures.js';

function capture(options: Partial<QlogWriterOptions> = {}): { writer: QlogWriter; chunks: string[]; text: () => string } {
  const chunks: string[] = [];
  const writer = new QlogWriter({ write: (c) => chunks.push(c), vantagePoint: 'server', referenceTime: 1000, ...options });
  return { writer, chunks, text: () => chunks.join('') };
}

describe('QlogWriter framing (RFC 7464)', () => {
  it('writes the header at construction, one record per chunk: RS, one line of JSON, LF', () => {
    const { writer, chunks } = capture();
    expect(chunks).toHaveLength(1);
    writer.event(1001, 'connectivity:mtu_updated', { new: 1452 });
    writer.event(1002, 'recovery:metrics_updated', { smoothed_rtt: 3 });
    expect(chunks).toHaveLength(3);
    for (const c of chunks) {
      expect(c.charCodeAt(0)).toBe(0x1e);
      expect(c.endsWith('\n')).toBe(true);
      expect(c.slice(1, -1)).not.toContain('\n');
      expect(c.slice(1, -1)).not.toContain(JSON_SEQ_RS);
    }
    expect(chunks[1]).toBe('\u001e{"time":1,"name":"connectivity:mtu_updated","data":{"new":1452}}\n');
    expect(writer.eventCount).toBe(2);
  });

  it('escapes control characters in strings, so records stay one line and RS-free', () => {
    const { writer, chunks } = capture();
    writer.event(1000, 'connectivity:connection_closed', { reason: 'a\nb\u001ec"' });
    const line = chunks[1]!;
    expect(line.slice(1, -1)).not.toMatch(/[\n\u001e]/);
    const rec = parseJsonSeq(line)[0] as { data: { reason: string } };
    expect(rec.data.reason).toBe('a\nb\u001ec"');
  });

  it('the whole output parses as JSON-SEQ: header then events', () => {
    const { writer, text } = capture();
    for (const name of Object.keys(fullEvents) as QlogEventName[]) {
      writer.event(1000, name, fullEvents[name] as never);
    }
    const records = parseJsonSeq(text());
    expect(records).toHaveLength(1 + Object.keys(QlogEventImportance).length);
  });

  it('parseJsonSeq rejects bad framing and bad JSON', () => {
    expect(parseJsonSeq('')).toEqual([]);
    expect(() => parseJsonSeq('{}\n')).toThrow(TypeError);
    expect(() => parseJsonSeq('\u001e{}')).toThrow(TypeError);
    expect(() => parseJsonSeq('\u001e{]\n')).toThrow(SyntaxError);
    expect(parseJsonSeq('\u001e{"a":1}\n\u001e[2]\n')).toEqual([{ a: 1 }, [2]]);
  });
});

describe('QlogWriter header (qlog 0.3 QlogFileSeq, as qvis loads it)', () => {
  it('carries the fields qvis checks: qlog_version 0.3, qlog_format JSON-SEQ, a trace', () => {
    const { text } = capture();
    const header = parseJsonSeq(text())[0] as Record<string, unknown>;
    expect(header['qlog_version']).toBe('0.3');
    expect(QLOG_VERSION).toBe('0.3');
    expect(vectors.header.qvis.qlog_version).toContain(header['qlog_version']);
    expect(header['qlog_format']).toBe(vectors.header.qvis.qlog_format);
    expect(header['trace']).toBeTypeOf('object');
  });

  it('has exactly the schema fields, with relative time and a reference time', () => {
    const { text } = capture({
      title: 'qk trace',
      description: 'a test',
      vantagePointName: 'qk server',
      groupId: '8394c8f03e515708',
      referenceEpoch: 1_700_000_000_123.5,
      codeVersion: 'qk 0.0.0',
    });
    const header = parseJsonSeq(text())[0] as Record<string, Record<string, unknown>>;
    expect(Object.keys(header).sort()).toEqual([...vectors.header.file.required, ...vectors.header.file.optional].sort());
    const trace = header['trace']!;
    expect(Object.keys(trace).sort()).toEqual([...vectors.header.trace.required, ...vectors.header.trace.optional].sort());
    expect(header).toEqual({
      qlog_version: '0.3',
      qlog_format: 'JSON-SEQ',
      title: 'qk trace',
      description: 'a test',
      trace: {
        title: 'qk trace',
        description: 'a test',
        vantage_point: { name: 'qk server', type: 'server' },
        common_fields: {
          protocol_type: ['QUIC'],
          time_format: 'relative',
          reference_time: 1_700_000_000_123.5,
          group_id: '8394c8f03e515708',
        },
        configuration: { time_offset: 0, code_version: 'qk 0.0.0' },
      },
    });
  });

  it('defaults reference_time to the monotonic reference and omits absent optional fields', () => {
    const { writer, text } = capture({ vantagePoint: 'client', referenceTime: 42 });
    expect(writer.header.trace.common_fields.reference_time).toBe(42);
    const header = parseJsonSeq(text())[0];
    expect(header).toEqual({
      qlog_version: '0.3',
      qlog_format: 'JSON-SEQ',
      trace: {
        vantage_point: { type: 'client' },
        common_fields: { protocol_type: ['QUIC'], time_format: 'relative', reference_time: 42 },
        configuration: { time_offset: 0 },
      },
    });
  });

  it('rejects bad options', () => {
    const write = (): void => {};
    expect(() => new QlogWriter({ write, vantagePoint: 'client', referenceTime: Number.NaN })).toThrow(RangeError);
    expect(() => new QlogWriter({ write, vantagePoint: 'client', referenceTime: 0, referenceEpoch: Infinity })).toThrow(
      RangeError,
    );
    expect(() => new QlogWriter({ write, vantagePoint: 'peer' as never, referenceTime: 0 })).toThrow(TypeError);
    expect(() => new QlogWriter({ write, vantagePoint: 'client', referenceTime: 0, importance: 'all' as never })).toThrow(
      TypeError,
    );
  });
});

describe('QlogWriter times', () => {
  it('are milliseconds relative to the reference time', () => {
    const { writer, text } = capture({ referenceTime: 5_000 });
    writer.event(5_000, 'connectivity:mtu_updated', { new: 1300 });
    writer.event(5_012.25, 'connectivity:mtu_updated', { new: 1400 });
    writer.event(65_000, 'connectivity:mtu_updated', { new: 1452 });
    const times = parseJsonSeq(text())
      .slice(1)
      .map((r) => (r as { time: number }).time);
    expect(times).toEqual([0, 12.25, 60_000]);
  });

  it('are rounded to microseconds, and exact for any microsecond offset (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 10 ** 9 }), (refMicros, deltaMicros) => {
        const ref = refMicros / 1000;
        const { writer, chunks } = capture({ referenceTime: ref });
        writer.event(ref + deltaMicros / 1000, 'connectivity:mtu_updated', { new: 1200 });
        const rec = parseJsonSeq(chunks[1]!)[0] as { time: number };
        expect(rec.time).toBe(deltaMicros / 1000);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a non-finite time and an unknown name', () => {
    const { writer } = capture();
    expect(() => writer.event(Number.NaN, 'connectivity:mtu_updated', { new: 1 })).toThrow(RangeError);
    expect(() => writer.event(1, 'transport:nonsense' as never, {} as never)).toThrow(TypeError);
  });
});

describe('QlogWriter importance filter', () => {
  it('core keeps core events only; base adds base; extra (default) keeps everything', () => {
    const counts: Record<string, number> = {};
    for (const importance of ['core', 'base', 'extra'] as const) {
      const { writer } = capture({ importance });
      for (const name of Object.keys(fullEvents) as QlogEventName[]) writer.event(1000, name, fullEvents[name] as never);
      counts[importance] = writer.eventCount;
    }
    const levels = Object.values(QlogEventImportance);
    const core = levels.filter((l) => l === 'core').length;
    const base = levels.filter((l) => l === 'base').length;
    expect(counts).toEqual({ core, base: core + base, extra: levels.length });
    const { writer } = capture();
    writer.event(1000, 'transport:frames_processed', { frames: [] });
    expect(writer.eventCount).toBe(1);
  });
});

describe('sinks', () => {
  it('the no-op sink is disabled, frozen and drops events', () => {
    expect(NOOP_QLOG_SINK.enabled).toBe(false);
    expect(Object.isFrozen(NOOP_QLOG_SINK)).toBe(true);
    expect(() => NOOP_QLOG_SINK.event(1, 'connectivity:mtu_updated', { new: 1 })).not.toThrow();
  });

  it('the recorder keeps events in order and filters by name', () => {
    const rec = new QlogRecorder();
    rec.event(1, 'connectivity:mtu_updated', { new: 1300 });
    rec.event(2, 'recovery:metrics_updated', { congestion_window: 12_000 });
    rec.event(3, 'connectivity:mtu_updated', { old: 1300, new: 1452, done: true });
    expect(rec.events.map((e) => e.name)).toEqual([
      'connectivity:mtu_updated',
      'recovery:metrics_updated',
      'connectivity:mtu_updated',
    ]);
    expect(rec.named('connectivity:mtu_updated').map((e) => e.data.new)).toEqual([1300, 1452]);
    rec.clear();
    expect(rec.events).toHaveLength(0);
  });

  it('the tee forwards to enabled sinks only and is disabled when none is enabled', () => {
    const a = new QlogRecorder();
    const b = new QlogRecorder();
    const tee = new QlogTee([a, NOOP_QLOG_SINK, b]);
    expect(tee.enabled).toBe(true);
    tee.event(1, 'connectivity:mtu_updated', { new: 1300 });
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(1);
    expect(new QlogTee([NOOP_QLOG_SINK]).enabled).toBe(false);
  });

  it('callers that check enabled build nothing for the no-op sink', () => {
    let built = 0;
    const emit = (sink: QlogSink, now: number): void => {
      if (!sink.enabled) return;
      built++;
      sink.event(now, 'recovery:metrics_updated', { bytes_in_flight: now });
    };
    for (let i = 0; i < 1000; i++) emit(NOOP_QLOG_SINK, i);
    expect(built).toBe(0);
    const rec = new QlogRecorder();
    emit(rec, 7);
    expect(built).toBe(1);
  });
});
