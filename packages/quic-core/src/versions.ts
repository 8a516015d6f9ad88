import { fromHex } from '@qk/octets';

/**
 * The QUIC versions qk speaks, and everything that differs between them: wire code, Initial salt, Retry
 * integrity key and nonce, HKDF label prefix, and the long-header packet type bits (RFC 9000, RFC 9369 §3).
 */
export const QuicVersion = {
  /** QUIC version 1 (RFC 9000). */
  v1: 0x0000_0001,
  /** QUIC version 2 (RFC 9369). */
  v2: 0x6b33_43cf,
} as const;

/** A version qk speaks. */
export type SupportedVersion = (typeof QuicVersion)[keyof typeof QuicVersion];

/** Long-header packet types by meaning; their 2-bit wire values differ per version. */
export type LongPacketType = 'initial' | 'zeroRtt' | 'handshake' | 'retry';

/** Per-version constants. */
export interface VersionParameters {
  readonly version: SupportedVersion;
  readonly name: 'v1' | 'v2';
  /** initial_salt (RFC 9001 §5.2, RFC 9369 §3.3.1). */
  readonly initialSalt: Uint8Array;
  /** Retry integrity AES-128-GCM key and nonce (RFC 9001 §5.8, RFC 9369 §3.3.3). */
  readonly retryKey: Uint8Array;
  readonly retryNonce: Uint8Array;
  /** HKDF labels for packet protection keys (RFC 9001 §5.1, RFC 9369 §3.3.2). */
  readonly labels: { readonly key: string; readonly iv: string; readonly hp: string; readonly ku: string };
  /** Long-header type bits (the two bits after the fixed bit) for each packet type. */
  readonly longTypeBits: Readonly<Record<LongPacketType, number>>;
}

const V1: VersionParameters = {
  version: QuicVersion.v1,
  name: 'v1',
  initialSalt: fromHex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'),
  retryKey: fromHex('be0c690b9f66575a1d766b54e368c84e'),
  retryNonce: fromHex('461599d35d632bf2239825bb'),
  labels: { key: 'quic key', iv: 'quic iv', hp: 'quic hp', ku: 'quic ku' },
  longTypeBits: { initial: 0b00, zeroRtt: 0b01, handshake: 0b10, retry: 0b11 },
};

const V2: VersionParameters = {
  version: QuicVersion.v2,
  name: 'v2',
  initialSalt: fromHex('0dede3def700a6db819381be6e269dcbf9bd2ed9'),
  retryKey: fromHex('8fb4b01b56ac48e260fbcbcead7ccc92'),
  retryNonce: fromHex('d86969bc2d7c6d9990efb04a'),
  labels: { key: 'quicv2 key', iv: 'quicv2 iv', hp: 'quicv2 hp', ku: 'quicv2 ku' },
  longTypeBits: { initial: 0b01, zeroRtt: 0b10, handshake: 0b11, retry: 0b00 },
};

const BY_VERSION = new Map<number, VersionParameters>([
  [V1.version, V1],
  [V2.version, V2],
]);

/** The parameters of `version`, or `undefined` if qk does not speak it. */
export function versionParameters(version: number): VersionParameters | undefined {
  return BY_VERSION.get(version);
}

/** True if qk speaks `version`. */
export function isSupportedVersion(version: number): version is SupportedVersion {
  return BY_VERSION.has(version);
}

/** The long-header packet type that `bits` (0..3) means in `params`' version. */
export function longPacketTypeFromBits(params: VersionParameters, bits: number): LongPacketType {
  const t = params.longTypeBits;
  if (bits === t.initial) return 'initial';
  if (bits === t.zeroRtt) return 'zeroRtt';
  if (bits === t.handshake) return 'handshake';
  return 'retry';
}

/**
 * A version is reserved for forcing version negotiation when its low nibbles are 0xa (RFC 9000 §15):
 * 0x?a?a?a?a.
 */
export function isReservedVersion(version: number): boolean {
  return (version & 0x0f0f_0f0f) === 0x0a0a_0a0a;
}
