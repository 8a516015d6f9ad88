/**
 * Shared test helpers for the packet protection tests: the crypto providers to run against, and the vector
 * files of RFC 9001 and RFC 9369 Appendix A (same schema).
 */
import { fromHex } from '@qk/octets';
import type { CryptoProvider } from '@qk/tls13';
import { nobleProvider } from '@qk/tls13';
import { nodeProvider } from '@qk/tls13/node';
import rfc9001 from '../vectors/rfc9001-appendix-a.json' with { type: 'json' };
import rfc9369 from '../vectors/rfc9369-appendix-a.json' with { type: 'json' };

/** Every crypto provider available to the tests. */
export const providers: readonly CryptoProvider[] = [nobleProvider, nodeProvider];

/** A hex value as printed in the RFC: one string or an array of lines, whitespace ignored. */
export type HexText = string | readonly string[];

/** Decodes a {@link HexText}. */
export function hex(value: HexText): Uint8Array {
  return fromHex(typeof value === 'string' ? value : value.join(''));
}

/** The Appendix A vector files, one per QUIC version. */
export const appendixA = [
  { name: 'RFC 9001 (QUIC v1)', data: rfc9001 },
  { name: 'RFC 9369 (QUIC v2)', data: rfc9369 },
] as const;

/** One vector file. */
export type AppendixA = (typeof appendixA)[number]['data'];
