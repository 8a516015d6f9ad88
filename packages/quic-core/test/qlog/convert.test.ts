/**
 * Builders from qk's values to qlog's: exact outputs for every frame kind, and a property test that any frame qk
 * can decode converts to a frame object with the schema's field names.
 */
import { fromHex, utf8 } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode, cryptoErrorCode } from '../../src/errors.js';
import {
  qlogDropTrigger,
  qlogFrame,
  qlogFrames,
  qlogKeyType,
  qlogPacketHeader,
  qlogPacketNumberSpace,
  qlogPacketType,
  qlogParametersSet,
  qlogTransportError,
  qlogVersion,
} from '../../src/qlog/index.js';
import { arbFrame } from '../../src/wire/arbitraries.test.js';
import type { Frame } from '../../src/wire/frames/index.js';
import { DEFAULT_TRANSPORT_PARAMETERS } from '../../src/wire/transport-parameters.js';
import type { TransportParameters } from '../../src/wire/transport-parameters.js';
import vectors from '../vectors/qlog-quic-events.json' with { type: 'json' };

const frameSpecs = new Map(vectors.frames.map((f) => [f.frame_type, f]));
const token16 = fromHex('000102030405060708090a0b0c0d0e0f');

describe('qlogFrame: one exact case per frame kind', () => {
  const cases: ReadonlyArray<readonly [Frame, unknown]> = [
    [{ kind: 'padding', length: 17 }, { frame_type: 'padding', length: 17, payload_length: 17 }],
    [{ kind: 'ping' }, { frame_type: 'ping' }],
    [
      { kind: 'ack', ranges: [{ smallest: 10, largest: 12 }, { smallest: 7, largest: 7 }], ackDelay: 1000 },
      { frame_type: 'ack', ack_delay: 8, acked_ranges: [[10, 12], [7]] },
    ],
    [
      { kind: 'ack', ranges: [{ smallest: 0, largest: 0 }], ackDelay: 0, ecn: { ect0: 3, ect1: 2, ce: 1 } },
      { frame_type: 'ack', ack_delay: 0, acked_ranges: [[0]], ect1: 2, ect0: 3, ce: 1 },
    ],
    [
      { kind: 'resetStream', streamId: 4, errorCode: 0x10c, finalSize: 1000 },
      { frame_type: 'reset_stream', stream_id: 4, error_code: 0x10c, final_size: 1000 },
    ],
    [{ kind: 'stopSending', streamId: 8, errorCode: 7 }, { frame_type: 'stop_sending', stream_id: 8, error_code: 7 }],
    [{ kind: 'crypto', offset: 100, data: new Uint8Array(37) }, { frame_type: 'crypto', offset: 100, length: 37 }],
    [
      { kind: 'newToken', token: fromHex('aabbcc') },
      { frame_type: 'new_token', token: { type: 'resumption', length: 3 } },
    ],
    [
      { kind: 'stream', streamId: 0, offset: 0, data: new Uint8Array(5), fin: false },
      { frame_type: 'stream', stream_id: 0, offset: 0, length: 5 },
    ],
    [
      { kind: 'stream', streamId: 4, offset: 9, data: new Uint8Array(0), fin: true },
      { frame_type: 'stream', stream_id: 4, offset: 9, length: 0, fin: true },
    ],
    [{ kind: 'maxData', maximumData: 1 << 20 }, { frame_type: 'max_data', maximum: 1048576 }],
    [
      { kind: 'maxStreamData', streamId: 4, maximumStreamData: 65536 },
      { frame_type: 'max_stream_data', stream_id: 4, maximum: 65536 },
    ],
    [
      { kind: 'maxStreams', streamType: 'bidi', maximumStreams: 100 },
      { frame_type: 'max_streams', stream_type: 'bidirectional', maximum: 100 },
    ],
    [
      { kind: 'maxStreams', streamType: 'uni', maximumStreams: 3 },
      { frame_type: 'max_streams', stream_type: 'unidirectional', maximum: 3 },
    ],
    [{ kind: 'dataBlocked', maximumData: 500 }, { frame_type: 'data_blocked', limit: 500 }],
    [
      { kind: 'streamDataBlocked', streamId: 2, maximumStreamData: 9 },
      { frame_type: 'stream_data_blocked', stream_id: 2, limit: 9 },
    ],
    [
      { kind: 'streamsBlocked', streamType: 'uni', maximumStreams: 4 },
      { frame_type: 'streams_blocked', stream_type: 'unidirectional', limit: 4 },
    ],
    [
      { kind: 'newConnectionId', sequenceNumber: 2, retirePriorTo: 1, connectionId: fromHex('a1b2c3d4'), statelessResetToken: token16 },
      {
        frame_type: 'new_connection_id',
        sequence_number: 2,
        retire_prior_to: 1,
        connection_id_length: 4,
        connection_id: 'a1b2c3d4',
        stateless_reset_token: '000102030405060708090a0b0c0d0e0f',
      },
    ],
    [{ kind: 'retireConnectionId', sequenceNumber: 5 }, { frame_type: 'retire_connection_id', sequence_number: 5 }],
    [{ kind: 'pathChallenge', data: fromHex('0102030405060708') }, { frame_type: 'path_challenge', data: '0102030405060708' }],
    [{ kind: 'pathResponse', data: fromHex('0807060504030201') }, { frame_type: 'path_response', data: '0807060504030201' }],
    [
      { kind: 'connectionClose', errorSpace: 'transport', errorCode: 0x0a, frameType: 0x06, reasonPhrase: utf8('bad crypto') },
      {
        frame_type: 'connection_close',
        error_space: 'transport',
        error_code: 'protocol_violation',
        raw_error_code: 10,
        reason: 'bad crypto',
        trigger_frame_type: 6,
      },
    ],
    [
      { kind: 'connectionClose', errorSpace: 'transport', errorCode: 0x128, frameType: 0, reasonPhrase: fromHex('ff00') },
      {
        frame_type: 'connection_close',
        error_space: 'transport',
        error_code: 'crypto_error_0x128',
        raw_error_code: 0x128,
        reason: 'ff00',
        trigger_frame_type: 0,
      },
    ],
    [
      { kind: 'connectionClose', errorSpace: 'application', errorCode: 0x100, reasonPhrase: new Uint8Array(0) },
      { frame_type: 'connection_close', error_space: 'application', error_code: 0x100, raw_error_code: 0x100, reason: '' },
    ],
    [{ kind: 'handshakeDone' }, { frame_type: 'handshake_done' }],
    [{ kind: 'datagram', data: fromHex('abcd') }, { frame_type: 'datagram', length: 2 }],
  ];

  for (const [frame, expected] of cases) {
    it(`${frame.kind} → ${(expected as { frame_type: string }).frame_type}`, () => {
      expect(qlogFrame(frame)).toEqual(expected);
    });
  }

  it('includeData adds the bytes of STREAM, DATAGRAM and NEW_TOKEN', () => {
    const opts = { includeData: true };
    expect(qlogFrame({ kind: 'stream', streamId: 0, offset: 0, data: fromHex('0102'), fin: false }, opts)).toEqual({
      frame_type: 'stream',
      stream_id: 0,
      offset: 0,
      length: 2,
      raw: '0102',
    });
    expect(qlogFrame({ kind: 'datagram', data: fromHex('ab') }, opts)).toEqual({ frame_type: 'datagram', length: 1, raw: 'ab' });
    expect(qlogFrame({ kind: 'newToken', token: fromHex('cc') }, opts)).toEqual({
      frame_type: 'new_token',
      token: { type: 'resumption', length: 1, data: 'cc' },
    });
  });

  it('ACK Delay is decoded with the sender exponent (RFC 9000 §19.3): 1000 << 3 µs = 8 ms, 1000 << 0 = 1 ms', () => {
    const ack: Frame = { kind: 'ack', ranges: [{ smallest: 1, largest: 1 }], ackDelay: 1000 };
    expect(qlogFrame(ack)).toMatchObject({ ack_delay: 8 });
    expect(qlogFrame(ack, { ackDelayExponent: 0 })).toMatchObject({ ack_delay: 1 });
    expect(qlogFrame(ack, { ackDelayExponent: 20 })).toMatchObject({ ack_delay: 1000 * 2 ** 20 / 1000 });
  });

  it('any frame qk decodes converts to a schema-conformant, JSON-serialisable object (property)', () => {
    fc.assert(
      fc.property(arbFrame, fc.boolean(), (frame, includeData) => {
        const q = qlogFrame(frame, { includeData });
        const parsed = JSON.parse(JSON.stringify(q)) as Record<string, unknown>;
        const spec = frameSpecs.get(parsed['frame_type'] as string);
        expect(spec).toBeDefined();
        const { frame_type: _ft, ...fields } = parsed;
        const allowed = new Set([...spec!.required, ...spec!.optional]);
        for (const k of Object.keys(fields)) expect(allowed.has(k), k).toBe(true);
        for (const k of spec!.required) expect(k in fields, k).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('qlogFrames maps in order', () => {
    expect(qlogFrames([{ kind: 'ping' }, { kind: 'handshakeDone' }])).toEqual([
      { frame_type: 'ping' },
      { frame_type: 'handshake_done' },
    ]);
  });
});

describe('names', () => {
  it('transport errors: lowercase RFC 9000 §20.1 names, crypto_error_0x1NN, numbers when unregistered', () => {
    expect(qlogTransportError(TransportErrorCode.NO_ERROR)).toBe('no_error');
    expect(qlogTransportError(TransportErrorCode.FLOW_CONTROL_ERROR)).toBe('flow_control_error');
    expect(qlogTransportError(TransportErrorCode.CRYPTO_BUFFER_EXCEEDED)).toBe('crypto_buffer_exceeded');
    expect(qlogTransportError(TransportErrorCode.AEAD_LIMIT_REACHED)).toBe('aead_limit_reached');
    expect(qlogTransportError(cryptoErrorCode(0x2a))).toBe('crypto_error_0x12a');
    expect(qlogTransportError(0x100)).toBe('crypto_error_0x100');
    expect(qlogTransportError(0x1ff)).toBe('crypto_error_0x1ff');
    expect(qlogTransportError(0x200)).toBe(0x200);
    expect(qlogTransportError(0x4242)).toBe(0x4242);
  });

  it('versions are 8 hex digits', () => {
    expect(qlogVersion(1)).toBe('00000001');
    expect(qlogVersion(0x6b3343cf)).toBe('6b3343cf');
    expect(qlogVersion(0xfaceb002)).toBe('faceb002');
  });

  it('packet types, spaces and key types', () => {
    expect(qlogPacketType('initial')).toBe('initial');
    expect(qlogPacketType('handshake')).toBe('handshake');
    expect(qlogPacketType('zeroRtt')).toBe('0RTT');
    expect(qlogPacketType('oneRtt')).toBe('1RTT');
    expect(qlogPacketType('retry')).toBe('retry');
    expect(qlogPacketType('versionNegotiation')).toBe('version_negotiation');
    expect(qlogPacketType('statelessReset')).toBe('stateless_reset');
    expect(qlogPacketType('unknown')).toBe('unknown');
    expect(qlogPacketNumberSpace('initial')).toBe('initial');
    expect(qlogPacketNumberSpace('handshake')).toBe('handshake');
    expect(qlogPacketNumberSpace('application')).toBe('application_data');
    expect(qlogKeyType('client', 'initial')).toBe('client_initial_secret');
    expect(qlogKeyType('server', 'handshake')).toBe('server_handshake_secret');
    expect(qlogKeyType('client', 'zeroRtt')).toBe('client_0rtt_secret');
    expect(qlogKeyType('server', 'oneRtt')).toBe('server_1rtt_secret');
  });

  it('drop reasons map to packet_dropped triggers', () => {
    expect(qlogDropTrigger('truncated')).toBe('header_parse_error');
    expect(qlogDropTrigger('lengthBeyondDatagram')).toBe('header_parse_error');
    expect(qlogDropTrigger('unexpectedPacketType')).toBe('unexpected_packet');
  });
});

describe('qlogPacketHeader', () => {
  it('long header with IDs, token and version', () => {
    expect(
      qlogPacketHeader({
        packetType: 'initial',
        packetNumber: 2,
        version: 1,
        scid: fromHex(''),
        dcid: fromHex('8394c8f03e515708'),
        token: fromHex('aabb'),
        length: 1182,
      }),
    ).toEqual({
      packet_type: 'initial',
      packet_number: 2,
      token: { length: 2 },
      length: 1182,
      version: '00000001',
      scil: 0,
      scid: '',
      dcil: 8,
      dcid: '8394c8f03e515708',
    });
  });

  it('1-RTT header with only type and number; an empty token is left out', () => {
    expect(qlogPacketHeader({ packetType: 'oneRtt', packetNumber: 9, token: new Uint8Array(0) })).toEqual({
      packet_type: '1RTT',
      packet_number: 9,
    });
  });

  it('token bytes on request', () => {
    expect(qlogPacketHeader({ packetType: 'initial', packetNumber: 0, token: fromHex('01'), includeTokenData: true }).token).toEqual({
      length: 1,
      data: '01',
    });
  });

  it('has only schema fields', () => {
    const h = qlogPacketHeader({
      packetType: 'handshake',
      packetNumber: 1,
      version: 1,
      scid: fromHex('01'),
      dcid: fromHex('02'),
      length: 20,
      flags: 3,
    });
    const allowed = new Set([...vectors.packetHeader.required, ...vectors.packetHeader.optional]);
    for (const k of Object.keys(h)) expect(allowed.has(k), k).toBe(true);
  });
});

describe('qlogParametersSet', () => {
  it('logs every transport parameter with the schema names', () => {
    const tp: TransportParameters = {
      ...DEFAULT_TRANSPORT_PARAMETERS,
      originalDestinationConnectionId: fromHex('8394c8f03e515708'),
      initialSourceConnectionId: fromHex('0001'),
      retrySourceConnectionId: fromHex('0002'),
      statelessResetToken: token16,
      maxIdleTimeout: 30_000,
      maxUdpPayloadSize: 1452,
      initialMaxData: 1_048_576,
      initialMaxStreamDataBidiLocal: 1,
      initialMaxStreamDataBidiRemote: 2,
      initialMaxStreamDataUni: 3,
      initialMaxStreamsBidi: 100,
      initialMaxStreamsUni: 4,
      activeConnectionIdLimit: 8,
      maxDatagramFrameSize: 1200,
      greaseQuicBit: true,
      preferredAddress: {
        ipv4Address: fromHex('c0000202'),
        ipv4Port: 443,
        ipv6Address: fromHex('20010db8000000000000000000000001'),
        ipv6Port: 8443,
        connectionId: fromHex('0a0b'),
        statelessResetToken: token16,
      },
    };
    const data = qlogParametersSet(tp, 'remote', { tls_cipher: 'TLS_AES_128_GCM_SHA256' });
    expect(data).toEqual({
      owner: 'remote',
      tls_cipher: 'TLS_AES_128_GCM_SHA256',
      original_destination_connection_id: '8394c8f03e515708',
      initial_source_connection_id: '0001',
      retry_source_connection_id: '0002',
      stateless_reset_token: '000102030405060708090a0b0c0d0e0f',
      disable_active_migration: false,
      max_idle_timeout: 30_000,
      max_udp_payload_size: 1452,
      ack_delay_exponent: 3,
      max_ack_delay: 25,
      active_connection_id_limit: 8,
      initial_max_data: 1_048_576,
      initial_max_stream_data_bidi_local: 1,
      initial_max_stream_data_bidi_remote: 2,
      initial_max_stream_data_uni: 3,
      initial_max_streams_bidi: 100,
      initial_max_streams_uni: 4,
      preferred_address: {
        ip_v4: '192.0.2.2',
        ip_v6: '2001:0db8:0000:0000:0000:0000:0000:0001',
        port_v4: 443,
        port_v6: 8443,
        connection_id: '0a0b',
        stateless_reset_token: '000102030405060708090a0b0c0d0e0f',
      },
      max_datagram_frame_size: 1200,
      grease_quic_bit: true,
    });
    const spec = vectors.events.find((e) => e.name === 'transport:parameters_set')!;
    const allowed = new Set(spec.optional);
    for (const k of Object.keys(data)) expect(allowed.has(k), k).toBe(true);
  });

  it('leaves out absent connection IDs and tokens', () => {
    const data = qlogParametersSet(DEFAULT_TRANSPORT_PARAMETERS, 'local');
    expect(data).not.toHaveProperty('original_destination_connection_id');
    expect(data).not.toHaveProperty('stateless_reset_token');
    expect(data).not.toHaveProperty('preferred_address');
    expect(data.max_udp_payload_size).toBe(65527);
  });
});
