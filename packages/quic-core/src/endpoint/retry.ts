/**
 * A server's Retry policy (RFC 9000 §8.1, §17.2.5; RFC 9001 §5.8): answer a client Initial that carries no usable
 * token with a Retry, and check the token of the Initial that comes back.
 *
 * What happens to each Initial (`decide`):
 *
 * | token in the Initial                                              | outcome                                      |
 * | ----------------------------------------------------------------- | -------------------------------------------- |
 * | none                                                              | `retry` (or `accept` unvalidated, if asked)  |
 * | a valid Retry token addressed to this Initial's DCID              | `accept`, address validated, with the IDs    |
 * | a valid NEW_TOKEN token                                           | `accept`, address validated                  |
 * | one of our Retry tokens, but expired, for another address,        | `reject` with INVALID_TOKEN (§8.1.2)         |
 * | version or connection ID                                          |                                              |
 * | anything else (unreadable, forged, another key, stale NEW_TOKEN)  | as if there were no token (§8.1.3)           |
 *
 * On `reject`, RFC 9000 §8.1.2 says the server "SHOULD immediately close (Section 10.2) the connection with an
 * INVALID_TOKEN error", since the client will not accept a second Retry; it creates no state and does not enter the
 * closing period. That close is an Initial packet carrying CONNECTION_CLOSE, protected with the Initial keys of the
 * packet's Destination Connection ID: building it is the Connection's (accept path's) job, not this module's. A
 * router that cannot build it drops the datagram, which §8.1.2 allows at the cost of a client timeout.
 *
 * Tokens are those of `crypto/tokens.ts` (AEAD-sealed, bound to the version and the client address). `now` for tokens
 * is milliseconds on a clock that means the same thing over a token's lifetime, and across restarts for NEW_TOKEN
 * tokens: the I/O layer passes wall-clock time (fractions are floored).
 *
 * @module
 */
import { equal } from '@qk/octets';
import type { CryptoProvider } from '@qk/tls13';
import { sealRetryPacket } from '../crypto/retry.js';
import { sealNewToken, sealRetryToken, validateToken } from '../crypto/tokens.js';
import type { AddressTokenKey, TokenAddress, TokenRejection } from '../crypto/tokens.js';
import { TransportErrorCode } from '../errors.js';
import { encodeRetryWithoutTag } from '../wire/header.js';
import { RandomConnectionIdGenerator } from './cid.js';
import type { ConnectionIdGenerator } from './cid.js';

/** How long a Retry token is accepted by default: clients return it within a round trip (§8.1.4). */
export const DEFAULT_RETRY_TOKEN_LIFETIME_MS = 10_000;

/** How long a NEW_TOKEN token is accepted by default: one day. */
export const DEFAULT_NEW_TOKEN_LIFETIME_MS = 86_400_000;

/** The fields of a client Initial the policy uses: those of `classifyDatagram`'s `accept` result. */
export interface InitialSummary {
  /** A version qk speaks. */
  readonly version: number;
  /** The Destination Connection ID (at most 20 bytes). */
  readonly dcid: Uint8Array;
  /** The Source Connection ID (at most 20 bytes). */
  readonly scid: Uint8Array;
  /** The Token field (empty when none). */
  readonly token: Uint8Array;
}

/** Why a Retry token is refused: a {@link TokenRejection}, or a token returned under another connection ID. */
export type RetryTokenRejection = Exclude<TokenRejection, 'malformed' | 'bad_tag'> | 'wrong_connection_id';

/** What the token of an Initial turned out to be ({@link RetryPolicy.checkToken}). */
export type InitialTokenCheck =
  /** The Initial carries no token. */
  | { readonly kind: 'none' }
  /** A valid Retry token: the client's address is validated. */
  | {
      readonly kind: 'retry';
      /** The DCID of the client's first Initial: the original_destination_connection_id transport parameter. */
      readonly originalDcid: Uint8Array;
      /** Our Retry's SCID, which the client now uses as DCID: the retry_source_connection_id transport parameter. */
      readonly retrySourceCid: Uint8Array;
    }
  /** A valid NEW_TOKEN token: the client's address is validated (§8.1.3). */
  | { readonly kind: 'newToken'; readonly issuedAt: number }
  /** One of our Retry tokens that fails a check: SHOULD close with INVALID_TOKEN (§8.1.2). */
  | { readonly kind: 'invalidRetry'; readonly reason: RetryTokenRejection }
  /** A token that validates nothing: proceed as if there were none (§8.1.3). */
  | { readonly kind: 'unusable'; readonly reason: TokenRejection };

/** A built Retry packet. */
export interface BuiltRetry {
  /** The Retry packet, integrity tag included: one UDP datagram to the client's address. */
  readonly packet: Uint8Array;
  /** The Source Connection ID chosen for it (the client's next Destination Connection ID). */
  readonly retrySourceCid: Uint8Array;
}

/** What to do with a client Initial ({@link RetryPolicy.decide}). */
export type RetryDecision =
  | {
      /** Create the connection. */
      readonly kind: 'accept';
      /** True when a token validated the client's address (no anti-amplification limit from here on). */
      readonly addressValidated: boolean;
      /** original_destination_connection_id: the DCID of the client's very first Initial. */
      readonly originalDcid: Uint8Array;
      /** retry_source_connection_id, present only after a Retry. */
      readonly retrySourceCid?: Uint8Array;
      /** Which token, if any, validated the address. */
      readonly token: 'retry' | 'newToken' | 'none';
    }
  | ({ readonly kind: 'retry' } & BuiltRetry)
  | {
      /** Close with INVALID_TOKEN (RFC 9000 §8.1.2; see the module notes), or drop. */
      readonly kind: 'reject';
      readonly reason: RetryTokenRejection;
      /** Always INVALID_TOKEN (0x0b). */
      readonly errorCode: typeof TransportErrorCode.INVALID_TOKEN;
    };

/** Settings for a {@link RetryPolicy}. */
export interface RetryPolicyOptions {
  /** Supplies randomness (Retry SCIDs, token salts, Unused bits) and the AEADs. */
  readonly provider: CryptoProvider;
  /** The server's address-token key (shared by every process that must accept its tokens). */
  readonly tokenKey: AddressTokenKey;
  /**
   * Makes the Retry Source Connection IDs. Use the server's own generator so the retried Initial routes like the rest
   * of the connection (QUIC-LB). Default: 8 random bytes.
   */
  readonly cidGenerator?: ConnectionIdGenerator;
  /** Maximum age of a Retry token in ms (default 10 s). */
  readonly retryTokenLifetime?: number;
  /** Maximum age of a NEW_TOKEN token in ms (default 24 h). */
  readonly newTokenLifetime?: number;
}

function checkLifetime(ms: number, what: string): number {
  if (!(ms > 0) || !Number.isFinite(ms)) throw new RangeError(`RetryPolicy: ${what} ${ms} must be a positive number of ms`);
  return ms;
}

function tokenTime(now: number): number {
  return Math.floor(now);
}

/**
 * Builds Retry packets and validates the tokens that come back. Stateless: any process holding the same token key
 * accepts the tokens (restarts included).
 *
 * Known limit: NEW_TOKEN tokens "SHOULD NOT be accepted multiple times" (§8.1.4); that needs a replay cache, which
 * this stateless policy does not keep. Their lifetime bounds the replay window.
 *
 * @example
 * const retry = new RetryPolicy({ provider, tokenKey: addressTokenKey(provider, secret), cidGenerator });
 * const d = retry.decide(acceptCandidate, { ip: from.address, port: from.port }, Date.now());
 * if (d.kind === 'retry') socket.send(d.packet, from);
 * else if (d.kind === 'accept') startConnection(d);
 */
export class RetryPolicy {
  readonly #provider: CryptoProvider;
  readonly #tokenKey: AddressTokenKey;
  readonly #cids: ConnectionIdGenerator;
  readonly #maxAge: { readonly retry: number; readonly newToken: number };

  /** @throws RangeError for a non-positive lifetime */
  constructor(options: RetryPolicyOptions) {
    this.#provider = options.provider;
    this.#tokenKey = options.tokenKey;
    this.#cids = options.cidGenerator ?? new RandomConnectionIdGenerator(options.provider);
    this.#maxAge = {
      retry: checkLifetime(options.retryTokenLifetime ?? DEFAULT_RETRY_TOKEN_LIFETIME_MS, 'retryTokenLifetime'),
      newToken: checkLifetime(options.newTokenLifetime ?? DEFAULT_NEW_TOKEN_LIFETIME_MS, 'newTokenLifetime'),
    };
  }

  /**
   * The Retry answering `initial` from `address` (RFC 9000 §17.2.5): Destination Connection ID = the client's Source
   * Connection ID, a fresh Source Connection ID different from the client's Destination Connection ID, a token sealing
   * the address, the original DCID and that SCID, random Unused bits, and the integrity tag over the pseudo-packet
   * (RFC 9001 §5.8).
   *
   * @throws RangeError for an unsupported version or a connection ID over 20 bytes (inputs that `classifyDatagram`
   *   never yields)
   */
  buildRetry(initial: InitialSummary, address: TokenAddress, now: number): BuiltRetry {
    let retrySourceCid = this.#cids.generate();
    // §17.2.5.1: the SCID "MUST NOT be equal to the Destination Connection ID field of the packet sent by the client".
    for (let tries = 0; equal(retrySourceCid, initial.dcid); tries++) {
      if (tries === 8) throw new RangeError('buildRetry: the connection ID generator keeps returning the client DCID');
      retrySourceCid = this.#cids.generate();
    }
    const token = sealRetryToken(
      this.#tokenKey,
      { version: initial.version, address, originalDcid: initial.dcid, retrySourceCid },
      tokenTime(now),
    );
    const unused = this.#provider.random(new Uint8Array(1))[0]! & 0x0f;
    const withoutTag = encodeRetryWithoutTag({
      version: initial.version,
      dcid: initial.scid,
      scid: retrySourceCid,
      token,
      unusedBits: unused,
    });
    return { packet: sealRetryPacket(this.#provider, initial.version, initial.dcid, withoutTag), retrySourceCid };
  }

  /**
   * What the token of `initial` proves (RFC 9000 §8.1.2-§8.1.4): checked against the version, the client address (IP
   * and port for Retry tokens, IP for NEW_TOKEN tokens), the token's age, and, for a Retry token, that the Initial is
   * addressed to the Retry's Source Connection ID. Never throws for any token bytes.
   */
  checkToken(initial: InitialSummary, address: TokenAddress, now: number): InitialTokenCheck {
    if (initial.token.length === 0) return { kind: 'none' };
    const t = tokenTime(now);
    const v = validateToken(this.#tokenKey, initial.token, address, t, this.#maxAge, { version: initial.version });
    if (v.kind === 'valid') {
      const token = v.token;
      if (token.kind === 'new_token') return { kind: 'newToken', issuedAt: token.issuedAt };
      if (!equal(token.retrySourceCid, initial.dcid)) return { kind: 'invalidRetry', reason: 'wrong_connection_id' };
      return { kind: 'retry', originalDcid: token.originalDcid, retrySourceCid: token.retrySourceCid };
    }
    const reason = v.reason;
    if (reason === 'malformed' || reason === 'bad_tag') return { kind: 'unusable', reason };
    // The token opened under our key but failed a check. Only a Retry token earns INVALID_TOKEN; learn the kind by
    // validating again with no version requirement, no age limit for Retry tokens and an impossible one for NEW_TOKEN
    // tokens: a NEW_TOKEN token then fails as 'expired' before its address is looked at (pinned by a test).
    const probe = validateToken(this.#tokenKey, initial.token, address, t, { retry: Infinity, newToken: -Infinity });
    if (probe.kind === 'invalid' && probe.reason === 'expired') return { kind: 'unusable', reason };
    return { kind: 'invalidRetry', reason };
  }

  /**
   * The whole server decision for a client Initial from `address`: see the module notes.
   *
   * @param options.sendRetry false to accept clients without a usable token unvalidated instead of sending a Retry
   *   (a router can turn Retry on only under load); default true
   */
  decide(
    initial: InitialSummary,
    address: TokenAddress,
    now: number,
    options: { readonly sendRetry?: boolean } = {},
  ): RetryDecision {
    const check = this.checkToken(initial, address, now);
    switch (check.kind) {
      case 'retry':
        return {
          kind: 'accept',
          addressValidated: true,
          originalDcid: check.originalDcid,
          retrySourceCid: check.retrySourceCid,
          token: 'retry',
        };
      case 'newToken':
        return { kind: 'accept', addressValidated: true, originalDcid: initial.dcid, token: 'newToken' };
      case 'invalidRetry':
        return { kind: 'reject', reason: check.reason, errorCode: TransportErrorCode.INVALID_TOKEN };
      case 'none':
      case 'unusable':
        if (options.sendRetry === false) {
          return { kind: 'accept', addressValidated: false, originalDcid: initial.dcid, token: 'none' };
        }
        return { kind: 'retry', ...this.buildRetry(initial, address, now) };
    }
  }

  /**
   * A token for a NEW_TOKEN frame (RFC 9000 §8.1.3) binding the client's IP and the version, which this policy will
   * accept for `newTokenLifetime`. Each call returns a different token (random salt), as §8.1.3 requires.
   */
  issueNewToken(version: number, address: Pick<TokenAddress, 'ip'>, now: number): Uint8Array {
    return sealNewToken(this.#tokenKey, { version, address }, tokenTime(now));
  }
}
