import fc from 'fast-check';
import { Writer, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/transport-parameters.json' with { type: 'json' };
import { TransportError, TransportErrorCode } from '../errors.js';
import { QuicVersion } from '../versions.js';
import { arbBytes } from './arbitraries.test.js';
import {
  DEFAULT_TRANSPORT_PARAMETERS,
  TransportParameterDescription,
  TransportParameterId,
  decodeTransportParameters,
  encodeTransportParameters,
  greaseTransportParameterId,
  isGreaseTransportParameterId,
  sizeOfTransportParameters,
} from './transport-parameters.js';
import type {
  EncodeTransportParametersOptions,
  TransportParameterSender,
  TransportParameters,
} from './transport-parameters.js';

const TPE = TransportErrorCode.TRANSPORT_PARAMETER_ERROR;
const BYTE_FIELDS = new Set([
  'originalDestinationConnectionId',
  'statelessResetToken',
  'initialSourceConnectionId',
  'retrySourceConnectionId',
  'ipv4Address',
  'ipv6Address',
  'connectionId',
]);

/** Turns a JSON `expected` object into parameters: byte fields are hex strings there. */
function fromJson(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && BYTE_FIELDS.has(key)) return fromHex(value);
  if (Array.isArray(value)) return value.map((v) => fromJson(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(v, k)]));
  }
  return value;
}

function encode(p: TransportParameters, options?: EncodeTransportParametersOptions): Uint8Array {
  const w = new Writer(4096);
  encodeTransportParameters(w, p, options);
  return w.finish().slice();
}

describe('transport parameter vectors', () => {
  for (const v of vectors.valid) {
    it(`decodes: ${v.source}`, () => {
      const expected = { ...DEFAULT_TRANSPORT_PARAMETERS, ...(fromJson(v.expected) as object) };
      const decoded = decodeTransportParameters(fromHex(v.hex), v.sender as TransportParameterSender);
      expect(decoded).toStrictEqual(expected);
      // Re-encoding gives parameters that decode to the same values.
      expect(decodeTransportParameters(encode(decoded), v.sender as TransportParameterSender)).toStrictEqual(expected);
    });
  }
  for (const v of vectors.invalid) {
    it(`rejects with TRANSPORT_PARAMETER_ERROR: ${v.source}`, () => {
      expect(() => decodeTransportParameters(fromHex(v.hex), v.sender as TransportParameterSender)).toThrow(
        expect.objectContaining({ code: TPE, name: 'TransportError' }),
      );
    });
  }
});

describe('transport parameter encoding', () => {
  it('writes only non-default values, in id order (exact hex)', () => {
    const p: TransportParameters = {
      ...DEFAULT_TRANSPORT_PARAMETERS,
      maxIdleTimeout: 30_000,
      initialMaxData: 0x10_0000,
      initialSourceConnectionId: fromHex('0102'),
      greaseQuicBit: true,
    };
    expect(toHex(encode(p))).toBe('010480007530' + '040480100000' + '0f020102' + '6ab200');
    expect(sizeOfTransportParameters(p)).toBe(19);
  });

  it('sends GREASE parameters on request and ignores them on receipt', () => {
    const p: TransportParameters = { ...DEFAULT_TRANSPORT_PARAMETERS, initialSourceConnectionId: new Uint8Array(0) };
    const grease = [{ id: greaseTransportParameterId(0), value: fromHex('aa') }, { id: greaseTransportParameterId(100), value: new Uint8Array(0) }];
    const bytes = encode(p, { grease });
    expect(toHex(bytes)).toBe('0f00' + '1b01aa' + '4c3700');
    expect(sizeOfTransportParameters(p, { grease })).toBe(bytes.length);
    expect(decodeTransportParameters(bytes, 'client')).toStrictEqual(p);
    expect(isGreaseTransportParameterId(27)).toBe(true);
    expect(isGreaseTransportParameterId(31_027)).toBe(true);
    expect(isGreaseTransportParameterId(28)).toBe(false);
    expect(() => encode(p, { grease: [{ id: 0x20, value: new Uint8Array(0) }] })).toThrow(RangeError);
  });

  it('refuses to encode what the decoder would reject', () => {
    const base: TransportParameters = { ...DEFAULT_TRANSPORT_PARAMETERS, initialSourceConnectionId: new Uint8Array(0) };
    const bad: Array<Partial<Record<keyof TransportParameters, unknown>>> = [
      { maxUdpPayloadSize: 1199 },
      { ackDelayExponent: 21 },
      { maxAckDelay: 2 ** 14 },
      { activeConnectionIdLimit: 1 },
      { initialSourceConnectionId: new Uint8Array(21) },
      { statelessResetToken: new Uint8Array(15) },
      { versionInformation: { chosenVersion: 0, availableVersions: [] } },
      {
        preferredAddress: {
          ipv4Address: new Uint8Array(4),
          ipv4Port: 0,
          ipv6Address: new Uint8Array(16),
          ipv6Port: 0,
          connectionId: new Uint8Array(0),
          statelessResetToken: new Uint8Array(16),
        },
      },
    ];
    for (const change of bad) expect(() => encode({ ...base, ...change } as TransportParameters)).toThrow(RangeError);
  });

  it('has a description for every registered parameter', () => {
    expect(Object.keys(TransportParameterDescription).sort()).toStrictEqual(Object.keys(TransportParameterId).sort());
  });
});

const arbValue = fc.oneof(fc.integer({ min: 0, max: 0x3fff }), fc.maxSafeNat());
const arbCid = arbBytes(20);
const arbVersionNumber = fc.oneof(fc.constantFrom(QuicVersion.v1, QuicVersion.v2, 0x1a2a3a4a), fc.integer({ min: 1, max: 0xffff_ffff }));

function arbParameters(sender: TransportParameterSender): fc.Arbitrary<TransportParameters> {
  const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
  const serverOnly = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
    sender === 'server' ? optional(arb) : fc.constant(undefined);
  return fc
    .record(
      {
        originalDestinationConnectionId: sender === 'server' ? arbCid : fc.constant(undefined),
        maxIdleTimeout: arbValue,
        statelessResetToken: serverOnly(arbBytes(16, 16)),
        maxUdpPayloadSize: fc.oneof(fc.integer({ min: 1200, max: 65527 }), fc.maxSafeNat().map((n) => Math.max(1200, n))),
        initialMaxData: arbValue,
        initialMaxStreamDataBidiLocal: arbValue,
        initialMaxStreamDataBidiRemote: arbValue,
        initialMaxStreamDataUni: arbValue,
        initialMaxStreamsBidi: arbValue,
        initialMaxStreamsUni: arbValue,
        ackDelayExponent: fc.integer({ min: 0, max: 20 }),
        maxAckDelay: fc.integer({ min: 0, max: 2 ** 14 - 1 }),
        disableActiveMigration: fc.boolean(),
        preferredAddress: serverOnly(
          fc.record(
            {
              ipv4Address: arbBytes(4, 4),
              ipv4Port: fc.integer({ min: 0, max: 0xffff }),
              ipv6Address: arbBytes(16, 16),
              ipv6Port: fc.integer({ min: 0, max: 0xffff }),
              connectionId: arbBytes(20, 1),
              statelessResetToken: arbBytes(16, 16),
            },
            { noNullPrototype: true },
          ),
        ),
        activeConnectionIdLimit: fc.oneof(fc.integer({ min: 2, max: 10 }), fc.maxSafeNat().map((n) => Math.max(2, n))),
        initialSourceConnectionId: arbCid,
        retrySourceConnectionId: serverOnly(arbCid),
        versionInformation: optional(
          fc.tuple(arbVersionNumber, fc.array(arbVersionNumber, { maxLength: 4 })).map(([chosenVersion, others]) => ({
            chosenVersion,
            // A client's list must include its Chosen Version; a server's need not.
            availableVersions: sender === 'client' ? [chosenVersion, ...others] : others,
          })),
        ),
        maxDatagramFrameSize: arbValue,
        greaseQuicBit: fc.boolean(),
      },
      { noNullPrototype: true },
    )
    .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as TransportParameters);
}

describe('transport parameter properties', () => {
  for (const sender of ['client', 'server'] as const) {
    it(`round-trips every ${sender} parameter set, matches sizeOf, and fails cleanly on every prefix`, () => {
      fc.assert(
        fc.property(arbParameters(sender), (p) => {
          const bytes = encode(p);
          expect(bytes.length).toBe(sizeOfTransportParameters(p));
          expect(decodeTransportParameters(bytes, sender)).toStrictEqual(p);
          for (let n = 0; n < bytes.length; n++) {
            // A prefix that ends on a parameter boundary is a shorter valid set, unless a required id went missing.
            try {
              decodeTransportParameters(bytes.subarray(0, n), sender);
            } catch (e) {
              expect(e).toBeInstanceOf(TransportError);
              expect((e as TransportError).code).toBe(TPE);
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('a prefix cut inside a parameter always fails', () => {
    const p: TransportParameters = { ...DEFAULT_TRANSPORT_PARAMETERS, maxIdleTimeout: 30_000, initialSourceConnectionId: fromHex('0102') };
    const bytes = encode(p); // 01 04 80007530 | 0f 02 0102
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9]) {
      expect(() => decodeTransportParameters(bytes.subarray(0, n), 'client')).toThrow(expect.objectContaining({ code: TPE }));
    }
  });

  it('throws nothing but TRANSPORT_PARAMETER_ERROR on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.constantFrom('client' as const, 'server' as const), (bytes, sender) => {
        try {
          decodeTransportParameters(bytes, sender);
        } catch (e) {
          expect(e).toBeInstanceOf(TransportError);
          expect((e as TransportError).code).toBe(TPE);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but TRANSPORT_PARAMETER_ERROR on mutated valid sets', () => {
    fc.assert(
      fc.property(arbParameters('server'), fc.nat(), fc.integer({ min: 0, max: 255 }), (p, at, value) => {
        const bytes = encode(p);
        bytes[at % bytes.length] = value;
        try {
          decodeTransportParameters(bytes, 'server');
        } catch (e) {
          expect(e).toBeInstanceOf(TransportError);
          expect((e as TransportError).code).toBe(TPE);
        }
      }),
      { numRuns: 500 },
    );
  });
});
