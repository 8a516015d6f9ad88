import { ProtocolError } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import {
  TransportError,
  TransportErrorCode,
  TransportErrorDescription,
  cryptoErrorCode,
  isCryptoError,
  transportErrorName,
} from './errors.js';

describe('transport error codes (RFC 9000 §20.1, RFC 9368 §10.2)', () => {
  it('has the RFC values', () => {
    expect(TransportErrorCode).toStrictEqual({
      NO_ERROR: 0x00,
      INTERNAL_ERROR: 0x01,
      CONNECTION_REFUSED: 0x02,
      FLOW_CONTROL_ERROR: 0x03,
      STREAM_LIMIT_ERROR: 0x04,
      STREAM_STATE_ERROR: 0x05,
      FINAL_SIZE_ERROR: 0x06,
      FRAME_ENCODING_ERROR: 0x07,
      TRANSPORT_PARAMETER_ERROR: 0x08,
      CONNECTION_ID_LIMIT_ERROR: 0x09,
      PROTOCOL_VIOLATION: 0x0a,
      INVALID_TOKEN: 0x0b,
      APPLICATION_ERROR: 0x0c,
      CRYPTO_BUFFER_EXCEEDED: 0x0d,
      KEY_UPDATE_ERROR: 0x0e,
      AEAD_LIMIT_REACHED: 0x0f,
      NO_VIABLE_PATH: 0x10,
      VERSION_NEGOTIATION_ERROR: 0x11,
      CRYPTO_ERROR: 0x100,
    });
    expect(Object.keys(TransportErrorDescription).sort()).toStrictEqual(Object.keys(TransportErrorCode).sort());
  });

  it('names codes, the crypto range and unknown codes', () => {
    expect(transportErrorName(0x07)).toBe('FRAME_ENCODING_ERROR');
    expect(transportErrorName(0x100)).toBe('CRYPTO_ERROR');
    expect(transportErrorName(0x12a)).toBe('CRYPTO_ERROR_0x12a');
    expect(transportErrorName(0x1ff)).toBe('CRYPTO_ERROR_0x1ff');
    expect(transportErrorName(0x200)).toBe('UNKNOWN_0x200');
    expect(isCryptoError(0xff)).toBe(false);
    expect(isCryptoError(0x100)).toBe(true);
    expect(isCryptoError(0x1ff)).toBe(true);
    expect(isCryptoError(0x200)).toBe(false);
    expect(cryptoErrorCode(42)).toBe(0x12a); // bad_certificate
    expect(() => cryptoErrorCode(256)).toThrow(RangeError);
  });
});

describe('TransportError', () => {
  it('is a ProtocolError carrying the code, frame type and reason', () => {
    const e = new TransportError('FRAME_ENCODING_ERROR', 'empty NEW_TOKEN', { frameType: 0x07 });
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'TransportError', code: 0x07, frameType: 0x07, reason: 'empty NEW_TOKEN', codeName: 'FRAME_ENCODING_ERROR' });
    expect(e.message).toBe('FRAME_ENCODING_ERROR: empty NEW_TOKEN');
  });

  it('takes numeric codes and a cause', () => {
    const cause = new Error('inner');
    const e = new TransportError(0x12a, 'bad certificate', { cause });
    expect(e.code).toBe(0x12a);
    expect(e.frameType).toBeUndefined();
    expect(e.cause).toBe(cause);
    expect(e.message).toBe('CRYPTO_ERROR_0x12a: bad certificate');
  });
});
