/**
 * TLS 1.3 handshake message and extension codecs (RFC 8446 §4), each as a `decodeX(r)` / `encodeX(w, x)` /
 * `sizeOfX(x)` triple, plus framing and the bounded reassembler.
 *
 * @module
 */
export * from './extensions.js';
export * from './hello.js';
export * from './authentication.js';
export * from './post-handshake.js';
export * from './handshake.js';
