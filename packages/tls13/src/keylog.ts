/**
 * The NSS key log format (SSLKEYLOGFILE), which Wireshark and tshark read to decrypt TLS and QUIC captures:
 * one line per secret, `LABEL <client_random hex> <secret hex>`. The labels are the TLS 1.3 ones
 * (draft-ietf-tls-keylogfile). Writing the lines to a file is the I/O layer's business; the engine only calls the
 * `keyLog` callback of its config.
 *
 * @module
 */
import { toHex } from '@qk/octets';

/** The TLS 1.3 key log labels. */
export const KeyLogLabel = {
  CLIENT_EARLY_TRAFFIC_SECRET: 'CLIENT_EARLY_TRAFFIC_SECRET',
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  CLIENT_TRAFFIC_SECRET_0: 'CLIENT_TRAFFIC_SECRET_0',
  SERVER_TRAFFIC_SECRET_0: 'SERVER_TRAFFIC_SECRET_0',
  EARLY_EXPORTER_SECRET: 'EARLY_EXPORTER_SECRET',
  EXPORTER_SECRET: 'EXPORTER_SECRET',
} as const;

/** A key log label. */
export type KeyLogLabelName = keyof typeof KeyLogLabel;

/**
 * One key log line, without a trailing newline.
 *
 * @example
 * formatKeyLogLine('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientRandom, secret);
 * // 'CLIENT_HANDSHAKE_TRAFFIC_SECRET cb34ecb1... b3eddb12...'
 */
export function formatKeyLogLine(label: KeyLogLabelName, clientRandom: Uint8Array, secret: Uint8Array): string {
  if (clientRandom.length !== 32) throw new RangeError(`client_random must be 32 bytes, not ${clientRandom.length}`);
  return `${label} ${toHex(clientRandom)} ${toHex(secret)}`;
}

/** A parsed key log line. */
export interface KeyLogEntry {
  /** The label. */
  readonly label: string;
  /** The ClientHello random, hex. */
  readonly clientRandom: string;
  /** The secret, hex. */
  readonly secret: string;
}

/** Parses one key log line (comments and blank lines give `undefined`). For tests and tools. */
export function parseKeyLogLine(line: string): KeyLogEntry | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 3 || !/^[0-9a-f]{64}$/i.test(parts[1]!) || !/^[0-9a-f]+$/i.test(parts[2]!)) {
    throw new TypeError(`not an NSS key log line: ${JSON.stringify(line.slice(0, 80))}`);
  }
  return { label: parts[0]!, clientRandom: parts[1]!.toLowerCase(), secret: parts[2]!.toLowerCase() };
}
