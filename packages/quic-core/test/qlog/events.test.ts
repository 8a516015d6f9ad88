/**
 * Every qlog event qk defines serialises with exactly the schema's field names (test/vectors/qlog-quic-events.json,
 * transcribed from draft-ietf-quic-qlog-quic-events), and so does every frame representation.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { QlogEventImportance, QlogWriter, parseJsonSeq } from '../../src/qlog/index.js';
import type { QlogEventDataMap, QlogEventName } from '../../src/qlog/index.js';
import vectors from '../vectors/qlog-quic-events.json' with { type: 'json' };
import { fullEvents, fullFrames, fullHeader } from './fixtures.js';

interface FieldSpec {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

function expectFields(obj: object, spec: FieldSpec, what: string): void {
  const keys = Object.keys(obj).sort();
  const all = [...spec.required, ...spec.optional].sort();
  expect(keys, what).toEqual(all);
}

function expectValid(obj: object, spec: FieldSpec, what: string): void {
  const keys = new Set(Object.keys(obj));
  const allowed = new Set([...spec.required, ...spec.optional]);
  for (const k of keys) expect(allowed.has(k), `${what}: unexpected field ${k}`).toBe(true);
  for (const k of spec.required) expect(keys.has(k), `${what}: missing required field ${k}`).toBe(true);
}

function roundTrip(name: QlogEventName, data: object): { time: number; name: string; data: Record<string, unknown> } {
  let text = '';
  const w = new QlogWriter({ write: (c) => (text += c), vantagePoint: 'client', referenceTime: 0 });
  w.event(1, name, data as QlogEventDataMap[typeof name]);
  const records = parseJsonSeq(text);
  expect(records).toHaveLength(2);
  return records[1] as { time: number; name: string; data: Record<string, unknown> };
}

describe('qlog event registry', () => {
  it('the data map and the importance registry name the same events', () => {
    expectTypeOf<keyof QlogEventDataMap>().toEqualTypeOf<QlogEventName>();
    expect(Object.keys(fullEvents).sort()).toEqual(Object.keys(QlogEventImportance).sort());
  });

  it('the vectors cover every event qk emits, and nothing else', () => {
    expect(vectors.events.map((e) => e.name).sort()).toEqual(Object.keys(QlogEventImportance).sort());
    for (const e of vectors.events) expect(e.source.length).toBeGreaterThan(0);
  });

  it('names are category:event with the four QUIC categories of qlog 0.3', () => {
    for (const name of Object.keys(QlogEventImportance)) {
      expect(name).toMatch(/^(connectivity|transport|security|recovery):[a-z_]+$/);
    }
  });

  it('importance levels follow the schema for the core events', () => {
    expect(QlogEventImportance['transport:packet_sent']).toBe('core');
    expect(QlogEventImportance['transport:packet_received']).toBe('core');
    expect(QlogEventImportance['recovery:metrics_updated']).toBe('core');
    expect(QlogEventImportance['recovery:packet_lost']).toBe('core');
    expect(QlogEventImportance['transport:frames_processed']).toBe('extra');
    expect(QlogEventImportance['transport:packet_dropped']).toBe('base');
  });
});

describe('every event serialises with the schema field names', () => {
  for (const spec of vectors.events) {
    it(spec.name, () => {
      const name = spec.name as QlogEventName;
      const data = fullEvents[name];
      const rec = roundTrip(name, data);
      expect(rec.name).toBe(name);
      expect(Object.keys(rec).sort()).toEqual(['data', 'name', 'time']);
      expectFields(rec.data, spec, name);
      // The record is the data object verbatim (JSON round trip).
      expect(rec.data).toEqual(JSON.parse(JSON.stringify(data)));
    });
  }

  it('a minimal event (only required fields) also validates', () => {
    const rec = roundTrip('transport:stream_state_updated', { stream_id: 0, new: 'open' });
    const spec = vectors.events.find((e) => e.name === 'transport:stream_state_updated')!;
    expectValid(rec.data, spec, 'minimal');
    expect(rec.data).toEqual({ stream_id: 0, new: 'open' });
  });
});

describe('frames and headers use the schema field names', () => {
  it('the fixtures cover every frame type of the vectors', () => {
    expect(fullFrames.map((f) => f.frame_type).sort()).toEqual(vectors.frames.map((f) => f.frame_type).sort());
  });

  for (const spec of vectors.frames) {
    it(`frame ${spec.frame_type}`, () => {
      const frame = fullFrames.find((f) => f.frame_type === spec.frame_type)!;
      const parsed = JSON.parse(JSON.stringify(frame)) as Record<string, unknown>;
      expect(parsed['frame_type']).toBe(spec.frame_type);
      const { frame_type: _ft, ...fields } = parsed;
      expectFields(fields, spec, spec.frame_type);
    });
  }

  it('packet header', () => {
    expectFields(JSON.parse(JSON.stringify(fullHeader)) as object, vectors.packetHeader, 'header');
  });

  it('packet_sent carries header and frames nested as the schema nests them', () => {
    const rec = roundTrip('transport:packet_sent', fullEvents['transport:packet_sent']);
    const header = rec.data['header'] as Record<string, unknown>;
    expect(header['packet_type']).toBe('initial');
    expect(header['packet_number']).toBe(7);
    const frames = rec.data['frames'] as Array<Record<string, unknown>>;
    expect(frames.map((f) => f['frame_type'])).toEqual(fullFrames.map((f) => f.frame_type));
    expect(frames[2]).toEqual({
      frame_type: 'ack',
      ack_delay: 0.5,
      acked_ranges: [[10, 12], [7]],
      ect1: 0,
      ect0: 5,
      ce: 1,
      length: 12,
      payload_length: 11,
    });
  });
});
