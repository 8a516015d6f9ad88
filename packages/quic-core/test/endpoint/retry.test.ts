/**
 * RetryPolicy (RFC 9000 §8.1, §17.2.5; RFC 9001 §5.8): build a Retry, then validate the retried Initial's token.
 */
import { fromHex, toHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressTokenKey, verifyRetryIntegrity } from '../../src/crypto/index.js';
import type { TokenAddress } from '../../src/crypto/index.js';
import { QuicLbConnectionIdGenerator, RetryPolicy, classifyDatagram } from '../../src/endpoint/index.js';
import type { ConnectionIdGenerator, InitialSummary, RetryDecision } from '../../src/endpoint/index.js';
import { TransportErrorCode } from '../../src/errors.js';
import { decodeRetry } from '../../src/wire/header.js';
import { QuicVersion } from '../../src/versions.js';
import { longDatagram, seededProvider } from './helpers.js';

const NOW = 1_700_000_000_000;
const CLIENT: TokenAddress = { ip: new Uint8Array([192, 0, 2, 7]), port: 50_000 };
const ODCID = fromHex('8394c8f03e515708');
const CLIENT_SCID = fromHex('c0c1c2c3');
const provider = seededProvider(21);
const tokenKey = addressTokenKey(provider, new Uint8Array(32).fill(0x42));

function policy(extra: Partial<ConstructorParameters<typeof RetryPolicy>[0]> = {}): RetryPolicy {
  return new RetryPolicy({ provider, tokenKey, ...extra });
}

function firstInitial(version: number = QuicVersion.v1): InitialSummary {
  return { version, dcid: ODCID, scid: CLIENT_SCID, token: new Uint8Array(0) };
}

/** Runs the server's first round: a Retry for a tokenless Initial; returns it and the retried Initial's summary. */
function retryRound(p: RetryPolicy, version: number = QuicVersion.v1) {
  const d = p.decide(firstInitial(version), CLIENT, NOW);
  if (d.kind !== 'retry') throw new Error(`expected a Retry, got ${d.kind}`);
  const parsed = decodeRetry(d.packet);
  if (parsed.kind !== 'retry') throw new Error('the Retry does not parse');
  const retried: InitialSummary = { version, dcid: parsed.scid, scid: CLIENT_SCID, token: parsed.token };
  return { decision: d, parsed, retried };
}

function kindOf(d: RetryDecision): string {
  return d.kind === 'reject' ? `reject:${d.reason}` : d.kind === 'accept' ? `accept:${d.token}` : d.kind;
}

describe('RetryPolicy: building a Retry', () => {
  for (const version of [QuicVersion.v1, QuicVersion.v2]) {
    it(`answers a tokenless ${version === QuicVersion.v1 ? 'v1' : 'v2'} Initial with a Retry that parses and verifies`, () => {
      const { decision, parsed } = retryRound(policy(), version);
      expect(parsed.version).toBe(version);
      expect(toHex(parsed.dcid)).toBe(toHex(CLIENT_SCID)); // §17.2.5.1: DCID = the client's SCID
      expect(toHex(parsed.scid)).toBe(toHex(decision.retrySourceCid));
      expect(parsed.scid.length).toBe(8);
      expect(toHex(parsed.scid)).not.toBe(toHex(ODCID));
      expect(parsed.token.length).toBeGreaterThan(0);
      expect(verifyRetryIntegrity(provider, version, ODCID, decision.packet)).toBe(true);
      // The tag binds the original DCID (RFC 9001 §5.8).
      expect(verifyRetryIntegrity(provider, version, fromHex('8394c8f03e515709'), decision.packet)).toBe(false);
    });
  }

  it('uses the given generator for the Retry SCID, so QUIC-LB routes the retried Initial', () => {
    const gen = new QuicLbConnectionIdGenerator(provider, { configRotation: 1, serverId: fromHex('0102'), nonceLength: 8 });
    const { parsed } = retryRound(policy({ cidGenerator: gen }));
    expect(parsed.scid.length).toBe(11);
    expect(toHex(gen.serverIdOf(parsed.scid)!)).toBe('0102');
  });

  it('never reuses the client DCID as the Retry SCID (RFC 9000 §17.2.5.1)', () => {
    const ids = [ODCID, ODCID, fromHex('1111111111111111')];
    const gen: ConnectionIdGenerator = { length: 8, generate: () => ids.shift()!.slice() };
    const { parsed } = retryRound(policy({ cidGenerator: gen }));
    expect(toHex(parsed.scid)).toBe('1111111111111111');
    const stuck: ConnectionIdGenerator = { length: 8, generate: () => ODCID.slice() };
    expect(() => policy({ cidGenerator: stuck }).buildRetry(firstInitial(), CLIENT, NOW)).toThrow(RangeError);
  });

  it('validates its lifetimes', () => {
    expect(() => policy({ retryTokenLifetime: 0 })).toThrow(RangeError);
    expect(() => policy({ newTokenLifetime: -5 })).toThrow(RangeError);
    expect(() => policy({ retryTokenLifetime: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('RetryPolicy: the retried Initial', () => {
  it('accepts it with the transport parameter values, through classifyDatagram, address validated', () => {
    const p = policy();
    const { decision, parsed } = retryRound(p);
    // The client's second Initial: DCID = our Retry SCID, the token echoed.
    const datagram = longDatagram({ dcid: parsed.scid, scid: CLIENT_SCID, token: parsed.token });
    const c = classifyDatagram(datagram, { localCidLength: 8, knownCid: () => undefined });
    expect(c.kind).toBe('accept');
    if (c.kind !== 'accept') return;
    const d = p.decide(c, CLIENT, NOW + 300);
    expect(d.kind).toBe('accept');
    if (d.kind !== 'accept') return;
    expect(d.token).toBe('retry');
    expect(d.addressValidated).toBe(true);
    expect(toHex(d.originalDcid)).toBe(toHex(ODCID));
    expect(toHex(d.retrySourceCid!)).toBe(toHex(decision.retrySourceCid));
  });

  it('accepts a Retry token from another process sharing the key', () => {
    const { retried } = retryRound(policy());
    const other = new RetryPolicy({ provider: seededProvider(99), tokenKey: addressTokenKey(provider, new Uint8Array(32).fill(0x42)) });
    expect(kindOf(other.decide(retried, CLIENT, NOW + 1))).toBe('accept:retry');
  });

  it('rejects with INVALID_TOKEN a Retry token from another address or port (RFC 9000 §8.1.2)', () => {
    const p = policy();
    const { retried } = retryRound(p);
    const d = p.decide(retried, { ip: new Uint8Array([192, 0, 2, 8]), port: CLIENT.port }, NOW + 1);
    expect(d).toEqual({ kind: 'reject', reason: 'wrong_address', errorCode: TransportErrorCode.INVALID_TOKEN });
    expect(kindOf(p.decide(retried, { ip: CLIENT.ip, port: CLIENT.port + 1 }, NOW + 1))).toBe('reject:wrong_address');
  });

  it('expires Retry tokens after the lifetime: 10 s by default, configurable', () => {
    const p = policy();
    const { retried } = retryRound(p);
    expect(kindOf(p.decide(retried, CLIENT, NOW + 10_000))).toBe('accept:retry');
    expect(kindOf(p.decide(retried, CLIENT, NOW + 10_001))).toBe('reject:expired');
    const short = policy({ retryTokenLifetime: 500 });
    const r2 = retryRound(short).retried;
    expect(kindOf(short.decide(r2, CLIENT, NOW + 500.9))).toBe('accept:retry');
    expect(kindOf(short.decide(r2, CLIENT, NOW + 501))).toBe('reject:expired');
  });

  it('rejects a Retry token returned under another connection ID or version', () => {
    const p = policy();
    const { retried } = retryRound(p);
    expect(kindOf(p.decide({ ...retried, dcid: fromHex('0000000000000000') }, CLIENT, NOW + 1))).toBe(
      'reject:wrong_connection_id',
    );
    expect(kindOf(p.decide({ ...retried, version: QuicVersion.v2 }, CLIENT, NOW + 1))).toBe('reject:wrong_version');
  });

  it('treats tokens it cannot read as no token: another Retry (RFC 9000 §8.1.3)', () => {
    const p = policy();
    const { retried } = retryRound(p);
    const foreign = new RetryPolicy({ provider, tokenKey: addressTokenKey(provider, new Uint8Array(32).fill(0x43)) });
    expect(foreign.checkToken(retried, CLIENT, NOW)).toEqual({ kind: 'unusable', reason: 'bad_tag' });
    expect(kindOf(foreign.decide(retried, CLIENT, NOW))).toBe('retry');
    const garbage = { ...firstInitial(), token: fromHex('deadbeef') };
    expect(p.checkToken(garbage, CLIENT, NOW)).toEqual({ kind: 'unusable', reason: 'malformed' });
    expect(kindOf(p.decide(garbage, CLIENT, NOW))).toBe('retry');
  });
});

describe('RetryPolicy: NEW_TOKEN tokens', () => {
  it('validates the address without a Retry, from any port of the same IP (RFC 9000 §8.1.3)', () => {
    const p = policy();
    const token = p.issueNewToken(QuicVersion.v1, CLIENT, NOW);
    const initial = { ...firstInitial(), token };
    const d = p.decide(initial, { ip: CLIENT.ip, port: 1234 }, NOW + 3_600_000);
    expect(d.kind).toBe('accept');
    if (d.kind !== 'accept') return;
    expect(d).toMatchObject({ token: 'newToken', addressValidated: true });
    expect(toHex(d.originalDcid)).toBe(toHex(ODCID));
    expect(d.retrySourceCid).toBeUndefined();
    expect(p.checkToken(initial, CLIENT, NOW + 1)).toEqual({ kind: 'newToken', issuedAt: NOW });
  });

  it('issues a different token every time', () => {
    const p = policy();
    expect(toHex(p.issueNewToken(1, CLIENT, NOW))).not.toBe(toHex(p.issueNewToken(1, CLIENT, NOW)));
  });

  it('falls back to a Retry, not INVALID_TOKEN, for a stale or misplaced NEW_TOKEN token', () => {
    const p = policy({ newTokenLifetime: 60_000 });
    const initial = { ...firstInitial(), token: p.issueNewToken(QuicVersion.v1, CLIENT, NOW) };
    expect(kindOf(p.decide(initial, CLIENT, NOW + 60_000))).toBe('accept:newToken');
    expect(p.checkToken(initial, CLIENT, NOW + 60_001)).toEqual({ kind: 'unusable', reason: 'expired' });
    expect(kindOf(p.decide(initial, CLIENT, NOW + 60_001))).toBe('retry');
    const elsewhere = { ip: new Uint8Array([198, 51, 100, 1]), port: CLIENT.port };
    expect(p.checkToken(initial, elsewhere, NOW)).toEqual({ kind: 'unusable', reason: 'wrong_address' });
    expect(p.checkToken({ ...initial, version: QuicVersion.v2 }, CLIENT, NOW)).toEqual({
      kind: 'unusable',
      reason: 'wrong_version',
    });
  });

  it('defaults to a one-day lifetime', () => {
    const p = policy();
    const initial = { ...firstInitial(), token: p.issueNewToken(QuicVersion.v1, CLIENT, NOW) };
    expect(kindOf(p.decide(initial, CLIENT, NOW + 86_400_000))).toBe('accept:newToken');
    expect(kindOf(p.decide(initial, CLIENT, NOW + 86_400_001))).toBe('retry');
  });
});

describe('RetryPolicy: decisions', () => {
  it('accepts unvalidated instead of retrying when told to', () => {
    const d = policy().decide(firstInitial(), CLIENT, NOW, { sendRetry: false });
    expect(d).toMatchObject({ kind: 'accept', token: 'none', addressValidated: false });
    if (d.kind === 'accept') expect(toHex(d.originalDcid)).toBe(toHex(ODCID));
    expect(policy().checkToken(firstInitial(), CLIENT, NOW)).toEqual({ kind: 'none' });
  });

  it('a valid Retry token is honoured even with sendRetry false; an invalid one is still rejected', () => {
    const p = policy();
    const { retried } = retryRound(p);
    expect(kindOf(p.decide(retried, CLIENT, NOW + 1, { sendRetry: false }))).toBe('accept:retry');
    expect(kindOf(p.decide(retried, CLIENT, NOW + 20_000, { sendRetry: false }))).toBe('reject:expired');
  });

  it('never throws on arbitrary token bytes', () => {
    const p = policy();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat({ max: 1_000_000 }), (token, dt) => {
        const d = p.decide({ ...firstInitial(), token }, CLIENT, NOW + dt);
        expect(['retry', 'accept', 'reject']).toContain(d.kind);
        if (token.length > 0) expect(d.kind).toBe('retry'); // forged tokens never validate
      }),
      { numRuns: 100 },
    );
  });

  it('every corruption of a Retry token is refused', () => {
    const p = policy();
    const { retried } = retryRound(p);
    fc.assert(
      fc.property(fc.nat({ max: retried.token.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const token = retried.token.slice();
        token[at] = token[at]! ^ x;
        expect(p.decide({ ...retried, token }, CLIENT, NOW + 1).kind).not.toBe('accept');
      }),
      { numRuns: 60 },
    );
  });
});
