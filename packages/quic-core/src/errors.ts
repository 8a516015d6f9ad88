import { ProtocolError } from '@qk/octets';

/**
 * QUIC transport error codes (RFC 9000 §20.1, IANA "QUIC Transport Error Codes"), by their RFC names, plus
 * VERSION_NEGOTIATION_ERROR from RFC 9368 §10.2.
 *
 * CRYPTO_ERROR is a range, 0x0100-0x01ff: 0x0100 plus a TLS alert description (RFC 9001 §4.8). The registry holds
 * its base; {@link cryptoErrorCode} and {@link isCryptoError} work with the range.
 */
export const TransportErrorCode = {
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
  CRYPTO_ERROR: 0x0100,
} as const;

/** The RFC name of a transport error code. */
export type TransportErrorName = keyof typeof TransportErrorCode;

/** What each transport error means (the "Description" column of RFC 9000 §20.1 / §22.5). */
export const TransportErrorDescription: Readonly<Record<TransportErrorName, string>> = {
  NO_ERROR: 'No error',
  INTERNAL_ERROR: 'Implementation error',
  CONNECTION_REFUSED: 'Server refuses a connection',
  FLOW_CONTROL_ERROR: 'Flow control error',
  STREAM_LIMIT_ERROR: 'Too many streams opened',
  STREAM_STATE_ERROR: 'Frame received in invalid stream state',
  FINAL_SIZE_ERROR: 'Change to final size',
  FRAME_ENCODING_ERROR: 'Frame encoding error',
  TRANSPORT_PARAMETER_ERROR: 'Error in transport parameters',
  CONNECTION_ID_LIMIT_ERROR: 'Too many connection IDs received',
  PROTOCOL_VIOLATION: 'Generic protocol violation',
  INVALID_TOKEN: 'Invalid Token received',
  APPLICATION_ERROR: 'Application error',
  CRYPTO_BUFFER_EXCEEDED: 'CRYPTO data buffer overflowed',
  KEY_UPDATE_ERROR: 'Invalid packet protection update',
  AEAD_LIMIT_REACHED: 'Excessive use of packet protection keys',
  NO_VIABLE_PATH: 'No viable network path exists',
  VERSION_NEGOTIATION_ERROR: 'Error negotiating version',
  CRYPTO_ERROR: 'TLS alert code',
};

/** First and last code of the CRYPTO_ERROR range (RFC 9000 §20.1). */
const CRYPTO_ERROR_FIRST = 0x0100;
const CRYPTO_ERROR_LAST = 0x01ff;

const NAMES = new Map<number, TransportErrorName>(
  Object.entries(TransportErrorCode).map(([name, code]) => [code, name as TransportErrorName]),
);

/** True when `code` lies in the CRYPTO_ERROR range 0x0100-0x01ff. */
export function isCryptoError(code: number): boolean {
  return code >= CRYPTO_ERROR_FIRST && code <= CRYPTO_ERROR_LAST;
}

/** The CRYPTO_ERROR code carrying TLS alert `alert` (0..255): 0x0100 + alert (RFC 9001 §4.8). */
export function cryptoErrorCode(alert: number): number {
  if (!Number.isInteger(alert) || alert < 0 || alert > 0xff) throw new RangeError(`alert out of range: ${alert}`);
  return CRYPTO_ERROR_FIRST + alert;
}

/**
 * The RFC name of transport error `code`: `FRAME_ENCODING_ERROR`, `CRYPTO_ERROR_0x12a` for a code in the crypto
 * range (lowercased, that is qlog's `crypto_error_0x12a`), or `UNKNOWN_0x…` for an unregistered code.
 */
export function transportErrorName(code: number): string {
  const name = NAMES.get(code);
  if (name !== undefined) return name;
  if (isCryptoError(code)) return `CRYPTO_ERROR_0x${code.toString(16)}`;
  return `UNKNOWN_0x${code.toString(16)}`;
}

/** Options of a {@link TransportError}. */
export interface TransportErrorOptions {
  /** The type of the frame that triggered the error, echoed in CONNECTION_CLOSE (RFC 9000 §19.19). */
  readonly frameType?: number;
  /** The underlying error, if any (e.g. the `DecodeError` a truncated frame raised). */
  readonly cause?: unknown;
}

/**
 * A QUIC connection error (RFC 9000 §11.1): the peer or its input broke a rule of the transport, and the
 * connection closes with a CONNECTION_CLOSE of type 0x1c carrying {@link TransportError.code}, the
 * {@link TransportError.frameType} (0 when unknown) and the reason.
 *
 * Codecs and handlers throw it; the connection's datagram entry point is the one place that catches it.
 *
 * @example
 * throw new TransportError('FRAME_ENCODING_ERROR', 'empty NEW_TOKEN', { frameType: FrameType.NEW_TOKEN });
 */
export class TransportError extends ProtocolError {
  override readonly name = 'TransportError';
  /** The transport error code (RFC 9000 §20.1). */
  readonly code: number;
  /** The frame type that triggered the error, when a frame did. */
  readonly frameType: number | undefined;
  /** The human-readable reason, without the error name prefix (sent as the Reason Phrase). */
  readonly reason: string;

  /**
   * @param code a registry name (`'PROTOCOL_VIOLATION'`) or a numeric code
   * @param reason why, for the peer and for logs
   * @param options the triggering frame type and the cause
   */
  constructor(code: TransportErrorName | number, reason: string, options: TransportErrorOptions = {}) {
    const numeric = typeof code === 'number' ? code : TransportErrorCode[code];
    super(`${transportErrorName(numeric)}: ${reason}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = numeric;
    this.frameType = options.frameType;
    this.reason = reason;
  }

  /** The RFC name of {@link TransportError.code}, e.g. `FRAME_ENCODING_ERROR`. */
  get codeName(): string {
    return transportErrorName(this.code);
  }
}
