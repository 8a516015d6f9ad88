import { Reader, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../errors.js';
import { checkFrameLaws, decodeOne, encodeToBytes, forAll, frameArbitraries } from '../arbitraries.test.js';
import { decodeFrame } from './index.js';
import type { NewConnectionIdFrame } from './new-connection-id.js';

const FEE = TransportErrorCode.FRAME_ENCODING_ERROR;
const TOKEN = '000102030405060708090a0b0c0d0e0f';

describe('NEW_CONNECTION_ID (RFC 9000 §19.15)', () => {
  it('encodes sequence, retire prior to, length-prefixed CID and the 16-byte token (exact hex)', () => {
    const frame: NewConnectionIdFrame = {
      kind: 'newConnectionId',
      sequenceNumber: 1,
      retirePriorTo: 0,
      connectionId: fromHex('0102030405060708'),
      statelessResetToken: fromHex(TOKEN),
    };
    const hex = '18' + '01' + '00' + '08' + '0102030405060708' + TOKEN;
    expect(toHex(encodeToBytes(frame))).toBe(hex);
    expect(decodeOne(fromHex(hex))).toStrictEqual(frame);
  });

  it('rejects connection ID lengths outside 1..20 with FRAME_ENCODING_ERROR', () => {
    expect(() => decodeOne(fromHex('180100' + '00' + TOKEN))).toThrow(expect.objectContaining({ code: FEE, frameType: 0x18 }));
    expect(() => decodeOne(fromHex('180100' + '15' + '00'.repeat(21) + TOKEN))).toThrow(expect.objectContaining({ code: FEE }));
    expect(decodeOne(fromHex('180100' + '14' + '00'.repeat(20) + TOKEN))).toMatchObject({ kind: 'newConnectionId' });
  });

  it('rejects Retire Prior To above the Sequence Number, exactly even above 2^53', () => {
    expect(() => decodeOne(fromHex('180102' + '01aa' + TOKEN))).toThrow(expect.objectContaining({ code: FEE }));
    // Both saturate to 2^53 - 1 as numbers; the exact comparison still sees 2^53 + 1 > 2^53.
    expect(() => decodeOne(fromHex('18' + 'c020000000000000' + 'c020000000000001' + '01aa' + TOKEN))).toThrow(
      expect.objectContaining({ code: FEE }),
    );
    expect(decodeOne(fromHex('18' + 'c020000000000001' + 'c020000000000001' + '01aa' + TOKEN))).toMatchObject({
      sequenceNumber: Number.MAX_SAFE_INTEGER,
      retirePriorTo: Number.MAX_SAFE_INTEGER,
    });
  });

  it('is allowed in 0-RTT and 1-RTT packets only', () => {
    const bytes = fromHex('180100' + '01aa' + TOKEN);
    expect(decodeFrame(new Reader(bytes), 'zeroRtt').kind).toBe('newConnectionId');
    expect(() => decodeFrame(new Reader(bytes), 'handshake')).toThrow(
      expect.objectContaining({ code: TransportErrorCode.PROTOCOL_VIOLATION }),
    );
  });

  it('rejects unencodable frames with RangeError', () => {
    const ok: NewConnectionIdFrame = {
      kind: 'newConnectionId',
      sequenceNumber: 1,
      retirePriorTo: 0,
      connectionId: fromHex('01'),
      statelessResetToken: fromHex(TOKEN),
    };
    expect(() => encodeToBytes({ ...ok, connectionId: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => encodeToBytes({ ...ok, connectionId: new Uint8Array(21) })).toThrow(RangeError);
    expect(() => encodeToBytes({ ...ok, statelessResetToken: new Uint8Array(15) })).toThrow(RangeError);
    expect(() => encodeToBytes({ ...ok, retirePriorTo: 2 })).toThrow(RangeError);
  });

  it('round-trips, matches sizeOf, and fails cleanly on every prefix', () =>
    forAll(frameArbitraries.newConnectionId, (f) => checkFrameLaws(f)));
});
