import { ProtocolError } from '@qk/octets';

/** TLS alert descriptions (RFC 8446 §6, IANA "TLS Alerts"), by their RFC names. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

/** A TLS alert description's RFC name. */
export type AlertName = keyof typeof AlertDescription;

const alertNames = new Map<number, AlertName>(
  Object.entries(AlertDescription).map(([name, code]) => [code, name as AlertName]),
);

/** The RFC name of alert `code`, or `alert_<code>` for an unregistered one. */
export function alertName(code: number): string {
  return alertNames.get(code) ?? `alert_${code}`;
}

/**
 * A fatal TLS alert: the handshake failed for a reason the protocol names. Every failure of the engine surfaces
 * as one (an unexpected internal fault becomes `internal_error`). In QUIC the alert becomes a CONNECTION_CLOSE
 * with error code 0x0100 + alert (RFC 9001 §4.8).
 */
export class TlsAlert extends ProtocolError {
  override readonly name = 'TlsAlert';
  /** The alert description code (RFC 8446 §6). */
  readonly code: number;
  /** True when the peer sent this alert; false when this side raised it. */
  readonly fromPeer: boolean;

  constructor(description: AlertName | number, reason: string, options: { fromPeer?: boolean; cause?: unknown } = {}) {
    const code = typeof description === 'number' ? description : AlertDescription[description];
    super(`${alertName(code)}: ${reason}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fromPeer = options.fromPeer ?? false;
  }

  /** The alert's RFC name, e.g. `bad_certificate`. */
  get description(): string {
    return alertName(this.code);
  }

  /** The QUIC CRYPTO_ERROR code for this alert: 0x0100 + description (RFC 9001 §4.8). */
  get quicErrorCode(): number {
    return 0x100 + this.code;
  }
}
