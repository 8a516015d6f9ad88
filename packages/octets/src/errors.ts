/**
 * The root of every protocol error in qk. `TlsAlert`, `TransportError`, `H3Error` and the DoQ and MASQUE errors
 * extend it, so one `instanceof ProtocolError` separates "the peer or the input broke a rule" from a bug.
 *
 * It lives in this leaf package because it is the one module every layer may import.
 */
export abstract class ProtocolError extends Error {
  /** The protocol's own numeric code for this error (a TLS alert, a QUIC transport error code, ...). */
  abstract readonly code: number;
}

/**
 * Input ended before a complete value could be read, or a value does not fit where it was written.
 *
 * This is the one error a {@link Reader} throws; callers map it to their protocol's code (QUIC
 * FRAME_ENCODING_ERROR, HTTP/3 H3_FRAME_ERROR, TLS decode_error).
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(message: string) {
    super(message);
  }
}
