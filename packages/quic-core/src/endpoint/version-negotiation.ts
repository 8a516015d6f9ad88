/**
 * Building a server's Version Negotiation reply (RFC 9000 §6.1, §17.2.1; RFC 8999 §6): the client's connection IDs
 * swapped, the versions this server speaks plus one reserved "greasing" version (RFC 9000 §6.3, §15) so that clients
 * keep ignoring versions they do not know, and random Unused bits.
 *
 * @module
 */
import type { CryptoProvider } from '@qk/tls13';
import { MIN_INITIAL_DATAGRAM_SIZE, encodeVersionNegotiation, peekDatagram } from '../wire/header.js';
import { QuicVersion, isSupportedVersion } from '../versions.js';

/** The versions a qk server offers by default, most preferred first. */
export const DEFAULT_OFFERED_VERSIONS: readonly number[] = [QuicVersion.v1, QuicVersion.v2];

/**
 * A random reserved version 0x?a?a?a?a (RFC 9000 §15): four random high nibbles, each low nibble 0xa.
 *
 * @param random four or more random bytes (the first four are used)
 */
export function greaseVersion(random: Uint8Array): number {
  const v = ((random[0]! << 24) | (random[1]! << 16) | (random[2]! << 8) | random[3]!) >>> 0;
  return ((v & 0xf0f0_f0f0) | 0x0a0a_0a0a) >>> 0;
}

/** Options for {@link buildVersionNegotiation}. */
export interface VersionNegotiationOptions {
  /** The versions to list, in preference order; default {@link DEFAULT_OFFERED_VERSIONS}. */
  readonly versions?: readonly number[];
  /** Add one random reserved version at a random position (default true). */
  readonly grease?: boolean;
}

/**
 * The Version Negotiation packet answering `datagram`, or `undefined` when the datagram must not be answered with one:
 * not a long header, a Version Negotiation packet itself (§6.1: never answer one), a version the server speaks (no
 * negotiation needed), header fields that do not parse, or a datagram under 1200 bytes (§5.2.2, §14.1). The result is
 * one UDP datagram for the client's address.
 *
 * The reply's Destination Connection ID is the client's Source Connection ID and its Source Connection ID is the
 * client's Destination Connection ID (§17.2.1), up to 255 bytes each for unknown versions (RFC 8999 §5.1). The first
 * byte has the form bit and 0x40 set and six random bits; randomness comes from `provider.random`.
 *
 * @throws RangeError for an empty or out-of-range `options.versions` list (misuse, not peer input)
 * @example
 * if (c.kind === 'versionNegotiation') {
 *   const reply = buildVersionNegotiation(datagram, nobleProvider);
 *   if (reply !== undefined) socket.send(reply, from);
 * }
 */
export function buildVersionNegotiation(
  datagram: Uint8Array,
  provider: Pick<CryptoProvider, 'random'>,
  options: VersionNegotiationOptions = {},
): Uint8Array | undefined {
  const offered = options.versions ?? DEFAULT_OFFERED_VERSIONS;
  if (offered.length === 0) throw new RangeError('buildVersionNegotiation: versions must not be empty');
  if (datagram.length < MIN_INITIAL_DATAGRAM_SIZE) return undefined;
  const peek = peekDatagram(datagram, 0);
  if (peek.kind !== 'long' || peek.version === 0) return undefined;
  if (isSupportedVersion(peek.version) && offered.includes(peek.version)) return undefined;

  const random = provider.random(new Uint8Array(6));
  let versions: readonly number[] = offered;
  if (options.grease !== false) {
    const list = offered.slice();
    list.splice(random[5]! % (offered.length + 1), 0, greaseVersion(random));
    versions = list;
  }
  return encodeVersionNegotiation(peek.scid, peek.dcid, versions, random[4]!);
}
