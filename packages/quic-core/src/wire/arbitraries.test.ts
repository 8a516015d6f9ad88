/**
 * Shared fast-check arbitraries and codec checks for the wire tests.
 *
 * It holds no tests itself. It is named `*.test.ts` so that the package build (which excludes test files) never
 * compiles it: it imports fast-check and vitest, which are development dependencies.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Reader, Writer } from '@qk/octets';
import { TransportError } from '../errors.js';
import type { AckRange } from './ack-range.js';
import { decodeFrame, encodeFrame, sizeOfFrame } from './frames/index.js';
import type { Frame, FrameKind } from './frames/index.js';
import type { FramePacketType } from './packet-type.js';

/** A varint value within the number policy, biased toward every encoded size and its boundaries. */
export const arbVarint: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 0x3f }),
  fc.integer({ min: 0x40, max: 0x3fff }),
  fc.integer({ min: 0x4000, max: 0x3fff_ffff }),
  fc.integer({ min: 0x4000_0000, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 0x3f, 0x40, 0x3fff, 0x4000, 0x3fff_ffff, 0x4000_0000, Number.MAX_SAFE_INTEGER),
);

/** Byte strings up to `maxLength` bytes (default 40). */
export const arbBytes = (maxLength = 40, minLength = 0): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength, maxLength });

/** Valid, descending, non-adjacent ACK ranges. */
export const arbAckRanges: fc.Arbitrary<readonly AckRange[]> = fc
  .tuple(
    fc.integer({ min: 0, max: 1000 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 })), { maxLength: 12 }),
    fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 2 ** 40 })),
  )
  .map(([firstLength, rest, slack]) => {
    let span = firstLength;
    for (const [gap, length] of rest) span += gap + 2 + length;
    let largest = span + slack;
    let smallest = largest - firstLength;
    const ranges: AckRange[] = [{ smallest, largest }];
    for (const [gap, length] of rest) {
      largest = smallest - gap - 2;
      smallest = largest - length;
      ranges.push({ smallest, largest });
    }
    return ranges;
  });

const streamDirection = fc.constantFrom('bidi' as const, 'uni' as const);

/** One arbitrary per frame kind, generating frames the encoder accepts. */
export const frameArbitraries: { readonly [K in FrameKind]: fc.Arbitrary<Extract<Frame, { kind: K }>> } = {
  padding: fc.integer({ min: 1, max: 64 }).map((length) => ({ kind: 'padding', length })),
  ping: fc.constant({ kind: 'ping' }),
  ack: fc
    .tuple(
      arbAckRanges,
      arbVarint,
      fc.option(fc.record({ ect0: arbVarint, ect1: arbVarint, ce: arbVarint }, { noNullPrototype: true }), { nil: undefined }),
    )
    .map(([ranges, ackDelay, ecn]) =>
      ecn === undefined ? { kind: 'ack', ranges, ackDelay } : { kind: 'ack', ranges, ackDelay, ecn },
    ),
  resetStream: fc
    .record({ streamId: arbVarint, errorCode: arbVarint, finalSize: arbVarint })
    .map((f) => ({ kind: 'resetStream', ...f })),
  stopSending: fc.record({ streamId: arbVarint, errorCode: arbVarint }).map((f) => ({ kind: 'stopSending', ...f })),
  crypto: fc.record({ offset: arbVarint, data: arbBytes(64) }).map((f) => ({ kind: 'crypto', ...f })),
  newToken: arbBytes(64, 1).map((token) => ({ kind: 'newToken', token })),
  stream: fc
    .record({ streamId: arbVarint, offset: arbVarint, data: arbBytes(64), fin: fc.boolean() })
    .map((f) => ({ kind: 'stream', ...f, offset: Math.min(f.offset, Number.MAX_SAFE_INTEGER - f.data.length) })),
  maxData: arbVarint.map((maximumData) => ({ kind: 'maxData', maximumData })),
  maxStreamData: fc
    .record({ streamId: arbVarint, maximumStreamData: arbVarint })
    .map((f) => ({ kind: 'maxStreamData', ...f })),
  maxStreams: fc
    .record({ streamType: streamDirection, maximumStreams: arbVarint })
    .map((f) => ({ kind: 'maxStreams', ...f })),
  dataBlocked: arbVarint.map((maximumData) => ({ kind: 'dataBlocked', maximumData })),
  streamDataBlocked: fc
    .record({ streamId: arbVarint, maximumStreamData: arbVarint })
    .map((f) => ({ kind: 'streamDataBlocked', ...f })),
  streamsBlocked: fc
    .record({ streamType: streamDirection, maximumStreams: arbVarint })
    .map((f) => ({ kind: 'streamsBlocked', ...f })),
  newConnectionId: arbVarint.chain((sequenceNumber) =>
    fc
      .record({
        retirePriorTo: fc.integer({ min: 0, max: sequenceNumber }),
        connectionId: arbBytes(20, 1),
        statelessResetToken: arbBytes(16, 16),
      })
      .map((f) => ({ kind: 'newConnectionId' as const, sequenceNumber, ...f })),
  ),
  retireConnectionId: arbVarint.map((sequenceNumber) => ({ kind: 'retireConnectionId', sequenceNumber })),
  pathChallenge: arbBytes(8, 8).map((data) => ({ kind: 'pathChallenge', data })),
  pathResponse: arbBytes(8, 8).map((data) => ({ kind: 'pathResponse', data })),
  connectionClose: fc.oneof(
    fc
      .record({ errorCode: arbVarint, frameType: arbVarint, reasonPhrase: arbBytes(32) })
      .map((f) => ({ kind: 'connectionClose' as const, errorSpace: 'transport' as const, ...f })),
    fc
      .record({ errorCode: arbVarint, reasonPhrase: arbBytes(32) })
      .map((f) => ({ kind: 'connectionClose' as const, errorSpace: 'application' as const, ...f })),
  ),
  handshakeDone: fc.constant({ kind: 'handshakeDone' }),
  datagram: arbBytes(64).map((data) => ({ kind: 'datagram', data })),
};

/** Any frame. */
export const arbFrame: fc.Arbitrary<Frame> = fc.oneof(
  ...(Object.values(frameArbitraries) as fc.Arbitrary<Frame>[]),
);

/**
 * Encodes `frame` into fresh bytes. The writer is sized up front: a growable `Writer` that reallocates inside
 * `writeU8` / `writeBytes` loses or rejects the write (a bug in @qk/octets reported to the lead), and the wire
 * tests are about the codecs, not the writer.
 */
export function encodeToBytes(frame: Frame, lastInPacket = false): Uint8Array {
  const w = new Writer(4096);
  encodeFrame(w, frame, lastInPacket);
  return w.finish().slice();
}

/** Decodes exactly one frame from `bytes`, checking that it consumes all of them. */
export function decodeOne(bytes: Uint8Array, packetType: FramePacketType = 'oneRtt'): Frame {
  const r = new Reader(bytes);
  const frame = decodeFrame(r, packetType);
  expect(r.remaining).toBe(0);
  return frame;
}

/**
 * The codec laws for one frame: `sizeOfFrame` matches the encoding, `decodeFrame(encodeFrame(x))` equals `x`, and
 * (with Length fields) every proper prefix of the encoding fails with a TransportError and nothing else.
 */
export function checkFrameLaws(frame: Frame, packetType: FramePacketType = 'oneRtt'): void {
  const bytes = encodeToBytes(frame);
  expect(bytes.length).toBe(sizeOfFrame(frame));
  expect(decodeOne(bytes, packetType)).toStrictEqual(frame);
  if (frame.kind === 'padding') return; // a shorter run of zeros is a shorter, valid PADDING run
  for (let n = 0; n < bytes.length; n++) {
    expect(() => decodeFrame(new Reader(bytes.subarray(0, n)), packetType)).toThrow(TransportError);
  }
}

/** The codec laws for a STREAM or DATAGRAM frame written as the last in its packet (no Length field). */
export function checkLastInPacketLaws(frame: Frame): void {
  const bytes = encodeToBytes(frame, true);
  expect(bytes.length).toBe(sizeOfFrame(frame, true));
  expect(decodeOne(bytes)).toStrictEqual(frame);
}

/** Runs `check` on every value of `arb` (moderate run count: the whole suite shares two cores). */
export function forAll<T>(arb: fc.Arbitrary<T>, check: (value: T) => void, numRuns = 200): void {
  fc.assert(
    fc.property(arb, (value) => {
      check(value);
    }),
    { numRuns },
  );
}
