/**
 * The router's first look at a datagram (RFC 9000 §5.2, §6.1, §10.3, §14.1; RFC 8999 invariants): does it belong to a
 * connection, start a new one, deserve a Version Negotiation packet or a stateless reset, or get dropped?
 *
 * Decision table, for the datagram's first packet:
 *
 * | header | Destination Connection ID | other conditions                                     | outcome              |
 * | ------ | ------------------------- | ---------------------------------------------------- | -------------------- |
 * | any    | known                     | (also Version Negotiation and Retry, for clients)    | `route`              |
 * | long   | unknown                   | Initial of an enabled version, datagram >= 1200 B,    | `accept`             |
 * |        |                           | DCID >= 8 B (or a Retry token and our CID length)     |                      |
 * | long   | unknown                   | unsupported version, not VN, datagram >= 1200 B      | `versionNegotiation` |
 * | short  | unknown                   | datagram > 21 B, non-empty local CIDs                 | `statelessReset`     |
 * | other  |                           |                                                      | `drop` with a reason |
 *
 * Clients (`isServer: false`) never accept connections nor send Version Negotiation (RFC 9000 §6.1 gives that to
 * servers), so for them the middle two rows become drops.
 *
 * @module
 */
import { MIN_INITIAL_DATAGRAM_SIZE, parseLongHeader, peekDatagram } from '../wire/header.js';
import { isSupportedVersion, longPacketTypeFromBits, versionParameters } from '../versions.js';

/**
 * The shortest Destination Connection ID a client may choose for its first Initial (RFC 9000 §7.2): "This
 * Destination Connection ID MUST be at least 8 bytes in length".
 */
export const MIN_INITIAL_DCID_LENGTH = 8;

/**
 * The smallest stateless reset: two fixed bits, 38 unpredictable bits and the 16-byte token (RFC 9000 §10.3). A reset
 * must be smaller than the packet that triggers it (§10.3.3), so only datagrams longer than this trigger one.
 */
export const MIN_STATELESS_RESET_LENGTH = 21;

/** Why {@link classifyDatagram} drops a datagram (for counters and qlog `packet_dropped`). */
export type RouteDropReason =
  /** The first packet's invariant header fields do not parse (empty, truncated, or an over-long connection ID). */
  | 'malformedHeader'
  /** The fixed bit is clear on a packet for no connection and `greaseQuicBit` is off (RFC 9000 §17.2, §17.3.1). */
  | 'fixedBitClear'
  /** A Version Negotiation packet for no connection: never answered (RFC 9000 §6.1). */
  | 'unexpectedVersionNegotiation'
  /** A Retry for no connection (servers never receive one). */
  | 'unexpectedRetry'
  /** An Initial in a datagram under 1200 bytes (RFC 9000 §14.1). */
  | 'initialTooSmall'
  /** An Initial whose Destination Connection ID is under 8 bytes and not one of ours after a Retry (§7.2). */
  | 'initialDcidTooShort'
  /** An Initial whose Token or Length field does not parse, or is too short to unprotect. */
  | 'malformedInitial'
  /** A 0-RTT packet for no connection: its Initial was lost or reordered (a router MAY buffer a few, §5.2.2). */
  | 'unknownZeroRtt'
  /** A Handshake packet, or any long header at a client, for no connection. */
  | 'unknownConnection'
  /** An unsupported version in a datagram under 1200 bytes: too small to be answered (RFC 9000 §5.2.2, §6.1). */
  | 'versionNegotiationTooSmall'
  /** A short header for no connection that is too small to answer with a smaller stateless reset (§10.3.3). */
  | 'tooSmallForReset'
  /** A short header for no connection while this endpoint issues zero-length IDs: no token can be derived. */
  | 'noConnectionId';

/** What the router should do with a datagram. Every variant is readonly and allocation-light. */
export type DatagramClassification<T> =
  | {
      /** The Destination Connection ID is known: hand the datagram to that connection. */
      readonly kind: 'route';
      /** What `knownCid` returned for it (the connection handle, or `true`). */
      readonly target: T;
      readonly header: 'long' | 'short';
      /** The Destination Connection ID (a view into the datagram). */
      readonly dcid: Uint8Array;
    }
  | {
      /** An Initial of an enabled version for no connection: a candidate new connection (then Retry, backlog). */
      readonly kind: 'accept';
      readonly version: number;
      /** The client's chosen Destination Connection ID (a view): original_destination_connection_id. */
      readonly dcid: Uint8Array;
      /** The client's Source Connection ID (a view). */
      readonly scid: Uint8Array;
      /** The Initial's Token (a view; empty when none). */
      readonly token: Uint8Array;
    }
  | {
      /** A long header of a version this endpoint does not speak: answer with Version Negotiation (§6.1). */
      readonly kind: 'versionNegotiation';
      readonly version: number;
      /** The client's Destination Connection ID (a view, up to 255 bytes): the reply's Source Connection ID. */
      readonly dcid: Uint8Array;
      /** The client's Source Connection ID (a view, up to 255 bytes): the reply's Destination Connection ID. */
      readonly scid: Uint8Array;
    }
  | {
      /**
       * A short header for no connection: a stateless reset candidate (§10.3), subject to the rate limiter. It may also
       * BE a stateless reset for one of our connections, since a reset carries an unpredictable Destination Connection
       * ID: a router hosting connections first checks it with `isStatelessReset` against the peer reset tokens of the
       * connections on that remote address (§10.3.1 requires the check when a datagram "cannot be associated with a
       * connection"), and answers with a reset only if none matches.
       */
      readonly kind: 'statelessReset';
      /** Our connection ID the peer used (a view): the stateless reset token is derived from it. */
      readonly dcid: Uint8Array;
    }
  | {
      readonly kind: 'drop';
      readonly reason: RouteDropReason;
    };

/** What {@link classifyDatagram} needs to know about this endpoint. */
export interface ClassifyOptions<T> {
  /** The length of the connection IDs this endpoint issues (short headers do not carry it): 0..20. */
  readonly localCidLength: number;
  /**
   * Looks a Destination Connection ID up in the router's map (the view is only valid during the call; copy it to keep
   * it). Returns the connection handle (or `true`) when known, `undefined` or `false` when not.
   */
  readonly knownCid: (dcid: Uint8Array) => T | false | undefined;
  /** True for a server (default): unknown Initials are candidates and unknown versions get Version Negotiation. */
  readonly isServer?: boolean;
  /** The versions this endpoint accepts new connections in; default every version qk speaks. */
  readonly versions?: readonly number[];
  /**
   * True if this endpoint advertises grease_quic_bit (RFC 9287): peers may then clear the fixed bit, even in a new
   * connection's Initial. When false (default), packets for no connection with the bit clear are not QUIC v1/v2 and
   * are dropped (RFC 9000 §17.2), which also keeps stateless resets away from protocols multiplexed on the port.
   */
  readonly greaseQuicBit?: boolean;
}

const DROPS = new Map<RouteDropReason, { readonly kind: 'drop'; readonly reason: RouteDropReason }>();
/** The shared, frozen drop result for `reason`: dropping allocates nothing. */
function drop(reason: RouteDropReason): { readonly kind: 'drop'; readonly reason: RouteDropReason } {
  let d = DROPS.get(reason);
  if (d === undefined) {
    d = Object.freeze({ kind: 'drop', reason } as const);
    DROPS.set(reason, d);
  }
  return d;
}

function isEnabled(version: number, versions: readonly number[] | undefined): boolean {
  return isSupportedVersion(version) && (versions === undefined || versions.includes(version));
}

/**
 * Classifies a received datagram for the router, from its first packet's header; nothing is decrypted and the only
 * lookup is one `knownCid` call. Never throws for any datagram bytes (a throwing `knownCid` propagates).
 *
 * A retried Initial carries the Source Connection ID of our Retry as its Destination Connection ID, which is one of
 * our IDs (`localCidLength` bytes, possibly under 8): such an Initial is a candidate when it carries a token; the
 * Retry policy then checks the token against that ID.
 *
 * @example
 * const c = classifyDatagram(datagram, { localCidLength: 8, knownCid: (id) => connections.get(toHex(id)) });
 * switch (c.kind) {
 *   case 'route': c.target.post(datagram); break;
 *   case 'accept': acceptOrRetry(c); break;
 *   case 'versionNegotiation': send(buildVersionNegotiation(datagram, provider)); break;
 *   case 'statelessReset': if (limiter.allow(now)) send(buildStatelessReset(provider, key, c.dcid, datagram.length)); break;
 *   case 'drop': count(c.reason); break;
 * }
 */
export function classifyDatagram<T>(datagram: Uint8Array, options: ClassifyOptions<T>): DatagramClassification<T> {
  const { localCidLength } = options;
  const peek = peekDatagram(datagram, localCidLength);
  if (peek.kind === 'drop') return drop('malformedHeader');

  const target = options.knownCid(peek.dcid);
  if (target !== undefined && target !== false) {
    return { kind: 'route', target, header: peek.kind, dcid: peek.dcid };
  }

  const isServer = options.isServer !== false;
  const greaseQuicBit = options.greaseQuicBit === true;

  if (peek.kind === 'short') {
    if (!peek.fixedBit && !greaseQuicBit) return drop('fixedBitClear');
    if (localCidLength === 0) return drop('noConnectionId');
    if (datagram.length <= MIN_STATELESS_RESET_LENGTH) return drop('tooSmallForReset');
    return { kind: 'statelessReset', dcid: peek.dcid };
  }

  const { version } = peek;
  if (version === 0) return drop('unexpectedVersionNegotiation');
  if (!isServer) return drop('unknownConnection');

  if (!isEnabled(version, options.versions)) {
    // Packets of any unsupported version (including reserved 0x?a?a?a?a ones) large enough to start a connection
    // get Version Negotiation; smaller ones are dropped (RFC 9000 §5.2.2, §14.1).
    if (datagram.length < MIN_INITIAL_DATAGRAM_SIZE) return drop('versionNegotiationTooSmall');
    return { kind: 'versionNegotiation', version, dcid: peek.dcid, scid: peek.scid };
  }

  if (!peek.fixedBit && !greaseQuicBit) return drop('fixedBitClear');
  if (!peek.isInitial) return classifyUnknownLong(datagram[0]!, version);
  if (datagram.length < MIN_INITIAL_DATAGRAM_SIZE) return drop('initialTooSmall');
  const initial = parseLongHeader(datagram, 0);
  if (initial.kind !== 'long') return drop('malformedInitial');
  const { dcid } = initial;
  if (dcid.length < MIN_INITIAL_DCID_LENGTH && !(initial.token.length > 0 && dcid.length === localCidLength)) {
    return drop('initialDcidTooShort');
  }
  return { kind: 'accept', version, dcid, scid: initial.scid, token: initial.token };
}

/** An unknown long header of a version we speak that is not an Initial: 0-RTT, Handshake or Retry. */
function classifyUnknownLong(firstByte: number, version: number): { readonly kind: 'drop'; readonly reason: RouteDropReason } {
  const params = versionParameters(version);
  if (params === undefined) return drop('unknownConnection');
  const type = longPacketTypeFromBits(params, (firstByte >> 4) & 0x03);
  if (type === 'zeroRtt') return drop('unknownZeroRtt');
  if (type === 'retry') return drop('unexpectedRetry');
  return drop('unknownConnection');
}
