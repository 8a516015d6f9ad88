/**
 * Connection ID generation for servers (RFC 9000 §5.1): a pluggable {@link ConnectionIdGenerator}, a random one, and
 * one whose IDs carry a server ID in the clear so that an external UDP load balancer, or a kernel socket selector,
 * can route a connection's packets to the process that owns it (draft-ietf-quic-load-balancers-21, the keyless
 * configuration of §5.3 and §5.4):
 *
 * ```
 * QUIC-LB Connection ID {
 *   First Octet {
 *     Config Rotation (3),          // §3.1: 0..6; 0b111 is reserved for unroutable IDs (§3.2)
 *     CID Len or Random Bits (5),   // §3.3: length of the ID after this octet, or random
 *   },
 *   Server ID (8..),                // §5.3: at least one octet
 *   Nonce (32..),                   // §5.3: at least four octets, no observable relationship to earlier IDs
 * }
 * ```
 *
 * Every ID a generator makes has the same length: a server that derives stateless reset tokens from its static key
 * must "use the same connection ID length for all connections" (RFC 9000 §10.3.2), and the router reads short-header
 * Destination Connection IDs by that length.
 *
 * @module
 */
import type { CryptoProvider } from '@qk/tls13';

/** The shortest connection ID qk's generators make: long enough to route and to key a map. */
export const MIN_GENERATED_CID_LENGTH = 4;

/** The longest connection ID QUIC v1 and v2 allow (RFC 9000 §17.2). */
export const MAX_GENERATED_CID_LENGTH = 20;

/** The length {@link RandomConnectionIdGenerator} uses unless told otherwise: 64 random bits. */
export const DEFAULT_CID_LENGTH = 8;

/** The config rotation codepoint servers without a configuration use; a configuration never does (§3.2). */
export const QUIC_LB_UNROUTABLE_CONFIG_ROTATION = 0b111;

/** The shortest QUIC-LB nonce (draft-ietf-quic-load-balancers §5.3). */
export const QUIC_LB_MIN_NONCE_LENGTH = 4;

/**
 * A source of the connection IDs an endpoint issues (in its long headers, NEW_CONNECTION_ID frames and Retry
 * packets). Implementations return a fresh ID of exactly {@link length} bytes from every call; uniqueness among the
 * IDs in use is the caller's check (the router's map), since random IDs can collide.
 *
 * @example
 * const gen: ConnectionIdGenerator = new RandomConnectionIdGenerator(nobleProvider, 8);
 * const cid = gen.generate(); // 8 random bytes
 */
export interface ConnectionIdGenerator {
  /** Bytes in every generated ID (4..20): the router's `localCidLength`. */
  readonly length: number;
  /** A new connection ID of {@link length} bytes (a fresh array the caller owns). */
  generate(): Uint8Array;
}

function checkLength(length: number, what: string): void {
  if (!Number.isInteger(length) || length < MIN_GENERATED_CID_LENGTH || length > MAX_GENERATED_CID_LENGTH) {
    throw new RangeError(
      `${what}: connection ID length ${length} is not an integer in ${MIN_GENERATED_CID_LENGTH}..${MAX_GENERATED_CID_LENGTH}`,
    );
  }
}

/**
 * Connection IDs of uniformly random bytes from the provider's CSPRNG.
 *
 * @example
 * const gen = new RandomConnectionIdGenerator(nobleProvider); // 8 bytes
 */
export class RandomConnectionIdGenerator implements ConnectionIdGenerator {
  readonly length: number;
  readonly #random: (out: Uint8Array) => Uint8Array;

  /**
   * @param provider supplies the randomness (only `random` is used)
   * @param length bytes per ID, 4..20 (default {@link DEFAULT_CID_LENGTH})
   * @throws RangeError for a length outside 4..20
   */
  constructor(provider: Pick<CryptoProvider, 'random'>, length: number = DEFAULT_CID_LENGTH) {
    checkLength(length, 'RandomConnectionIdGenerator');
    this.length = length;
    this.#random = (out) => provider.random(out);
  }

  /** A new random connection ID. */
  generate(): Uint8Array {
    return this.#random(new Uint8Array(this.length));
  }
}

/**
 * The parameters a QUIC-LB load balancer and the servers behind it share for one configuration (keyless: the server
 * ID travels in the clear, so observers can tell which server a connection uses; §5.3 warns of that linkability).
 */
export interface QuicLbConfig {
  /** The configuration's codepoint in the top three bits of the first octet: 0..6 (§3.1). */
  readonly configRotation: number;
  /** Bytes of the Server ID field, at least 1. */
  readonly serverIdLength: number;
  /** Bytes of the Nonce field, at least 4; server ID plus nonce is at most 19 bytes. */
  readonly nonceLength: number;
  /**
   * Whether the low five bits of the first octet self-describe the length of the ID after it (§3.3), for hardware
   * offload that needs to find the length without state. Otherwise those bits are random. Default true.
   */
  readonly selfEncodeLength?: boolean;
}

function checkConfig(config: QuicLbConfig, what: string): void {
  const { configRotation, serverIdLength, nonceLength } = config;
  if (!Number.isInteger(configRotation) || configRotation < 0 || configRotation >= QUIC_LB_UNROUTABLE_CONFIG_ROTATION) {
    throw new RangeError(`${what}: config rotation ${configRotation} is not an integer in 0..6 (0b111 is reserved)`);
  }
  if (!Number.isInteger(serverIdLength) || serverIdLength < 1) {
    throw new RangeError(`${what}: server ID length ${serverIdLength} must be an integer of at least 1`);
  }
  if (!Number.isInteger(nonceLength) || nonceLength < QUIC_LB_MIN_NONCE_LENGTH) {
    throw new RangeError(`${what}: nonce length ${nonceLength} must be an integer of at least 4`);
  }
  if (serverIdLength + nonceLength > MAX_GENERATED_CID_LENGTH - 1) {
    throw new RangeError(`${what}: server ID and nonce lengths sum to more than 19 bytes`);
  }
}

/** Bytes of a connection ID under `config`: the first octet, the server ID and the nonce. */
export function quicLbCidLength(config: QuicLbConfig): number {
  return 1 + config.serverIdLength + config.nonceLength;
}

/**
 * The server ID in `cid` under `config`, as a load balancer reads it: a view of bytes 1..serverIdLength, or
 * `undefined` when the ID is unroutable under this configuration (another length, another config rotation codepoint,
 * or a self-described length that does not match; draft-ietf-quic-load-balancers §4.1). Never throws for any `cid`.
 *
 * @example
 * const sid = quicLbServerId(packet.dcid, { configRotation: 0, serverIdLength: 2, nonceLength: 6 });
 * if (sid !== undefined) forwardTo(serverBy(sid));
 */
export function quicLbServerId(cid: Uint8Array, config: QuicLbConfig): Uint8Array | undefined {
  const length = quicLbCidLength(config);
  if (cid.length !== length) return undefined;
  const first = cid[0]!;
  if (first >>> 5 !== config.configRotation) return undefined;
  if (config.selfEncodeLength !== false && (first & 0x1f) !== length - 1) return undefined;
  return cid.subarray(1, 1 + config.serverIdLength);
}

/**
 * QUIC-LB connection IDs (keyless configuration) that encode this server's ID, so an external load balancer or
 * another process can route by {@link quicLbServerId}. The nonce is random from the provider (§5.4 requires "no
 * observable relationship" to earlier IDs, so no counter); with the minimum 4-byte nonce, collisions become likely
 * after tens of thousands of IDs per server, so size the nonce for the load and let the router reject duplicates.
 *
 * @example
 * const gen = new QuicLbConnectionIdGenerator(nobleProvider, {
 *   configRotation: 1, serverId: new Uint8Array([0x2a]), nonceLength: 7,
 * });
 * const cid = gen.generate();       // 9 bytes: 0x28 | 0x2a | 7 random bytes
 * gen.serverIdOf(cid);              // Uint8Array [0x2a]
 */
export class QuicLbConnectionIdGenerator implements ConnectionIdGenerator {
  readonly length: number;
  /** The configuration, with `serverIdLength` taken from the server ID. */
  readonly config: Required<QuicLbConfig>;
  readonly #serverId: Uint8Array;
  readonly #random: (out: Uint8Array) => Uint8Array;

  /**
   * @param provider supplies the nonces and random first-octet bits (only `random` is used)
   * @param options the configuration and this server's ID (copied)
   * @throws RangeError for a config rotation outside 0..6, an empty server ID, a nonce under 4 bytes, or a total over
   *   20 bytes
   */
  constructor(
    provider: Pick<CryptoProvider, 'random'>,
    options: {
      readonly configRotation: number;
      readonly serverId: Uint8Array;
      readonly nonceLength: number;
      readonly selfEncodeLength?: boolean;
    },
  ) {
    const config: Required<QuicLbConfig> = {
      configRotation: options.configRotation,
      serverIdLength: options.serverId.length,
      nonceLength: options.nonceLength,
      selfEncodeLength: options.selfEncodeLength ?? true,
    };
    checkConfig(config, 'QuicLbConnectionIdGenerator');
    this.config = config;
    this.length = quicLbCidLength(config);
    this.#serverId = options.serverId.slice();
    this.#random = (out) => provider.random(out);
  }

  /** This server's ID (a copy). */
  get serverId(): Uint8Array {
    return this.#serverId.slice();
  }

  /** A new ID: first octet, this server's ID, random nonce. */
  generate(): Uint8Array {
    const out = this.#random(new Uint8Array(this.length));
    const low = this.config.selfEncodeLength ? this.length - 1 : out[0]! & 0x1f;
    out[0] = (this.config.configRotation << 5) | low;
    out.set(this.#serverId, 1);
    return out;
  }

  /** The server ID `cid` encodes under this generator's configuration, or `undefined` (see {@link quicLbServerId}). */
  serverIdOf(cid: Uint8Array): Uint8Array | undefined {
    return quicLbServerId(cid, this.config);
  }
}
