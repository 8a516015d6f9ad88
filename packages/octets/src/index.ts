/**
 * @qk/octets: the one byte reader/writer of the qk stack, QUIC varints, and the root error classes.
 *
 * @packageDocumentation
 */
export { Reader } from './reader.js';
export { Writer } from './writer.js';
export { MAX_VARINT, MAX_VARINT_NUMBER, varintSize, varintLengthFromFirstByte } from './varint.js';
export { DecodeError, ProtocolError } from './errors.js';
export { concat, constantTimeEqual, equal, fromHex, fromUtf8, toHex, utf8 } from './bytes.js';
