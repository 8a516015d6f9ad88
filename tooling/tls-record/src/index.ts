/**
 * @qk/tls-record: test tooling, not a public API. A TLS 1.3 record layer (RFC 8446 §5) over TCP that drives
 * `@qk/tls13`'s handshake engine in `tls` mode, so qk's client and server can be proven against node:tls and the
 * `openssl` command line, and the demo can show a handshake over loopback TCP.
 *
 * Layers, bottom up: `record.ts` (framing, limits), `protection.ts` (TLSInnerPlaintext, nonces, AEAD),
 * `record-layer.ts` (one endpoint's records and epochs), `connection.ts` (the engine glue, sans-io), `net.ts`
 * (node:net sockets and promises).
 *
 * @packageDocumentation
 */
export {
  ContentType,
  LEGACY_CLIENT_HELLO_RECORD_VERSION,
  LEGACY_RECORD_VERSION,
  MAX_CIPHERTEXT_LENGTH,
  MAX_PLAINTEXT_LENGTH,
  RECORD_HEADER_LENGTH,
  RecordDeframer,
  contentTypeName,
  decodeRecordHeader,
  encodePlaintextRecord,
  encodeRecordHeader,
  sizeOfRecordHeader,
} from './record.js';
export type { ContentTypeCode, ContentTypeName, RecordHeader, WireRecord } from './record.js';
export { RecordProtection } from './protection.js';
export type { OpenedRecord } from './protection.js';
export { AlertLevel, RecordLayer, describeAlert } from './record-layer.js';
export type { ReceivedRecord, RecordEpoch, RecordLayerOptions } from './record-layer.js';
export { TlsRecordConnection } from './connection.js';
export type { TlsConnectionEvent, TlsRecordConnectionOptions } from './connection.js';
export {
  DEFAULT_TIMEOUT_MS,
  TlsConnection,
  TlsServer,
  connectTls,
  isAlert,
  serveTls,
  tlsModeConfig,
  withTimeout,
} from './net.js';
export type { ConnectTlsOptions, RecordOptions, ServeTlsOptions } from './net.js';
