/**
 * Test harness for the handshake engine: certificates (generated, RSA keys from node:crypto), configs on a fixed
 * clock, and an in-memory pipe that moves handshake bytes between a client and a server session.
 */
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { fromHex, toHex } from '@qk/octets';
import type { PrivateKey } from '../../src/crypto/keys.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { TlsAlert } from '../../src/errors.js';
import { createClientSession, type ClientSession } from '../../src/handshake/client.js';
import type { TlsClientConfig, TlsServerConfig } from '../../src/handshake/config.js';
import { createServerSession, type ServerSession } from '../../src/handshake/server.js';
import type { EncryptionLevel, TlsEvent, TlsOutput, TlsSession } from '../../src/handshake/types.js';
import { generateCertificate, type GeneratedCertificate } from '../../src/x509/generate.js';
import { parsePrivateKey } from '../../src/x509/private-key.js';
import { TrustStore } from '../../src/x509/trust-store.js';

/** The fixed wall clock of the tests: 2025-01-01T00:00:00Z. */
export const T0 = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

/** A settable clock. */
export class Clock {
  t = T0;
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Dummy QUIC transport parameters (opaque to TLS). */
export const CLIENT_TP = fromHex('0104800075300304800100000e0104');
export const SERVER_TP = fromHex('0004deadbeef0104800075300e0108');

export type KeyType = 'p256' | 'p384' | 'ed25519' | 'rsa2048';

let rsaCache: PrivateKey | undefined;
/** A 2048-bit RSA key from node:crypto (generated once per test file). */
export function rsaKey(): PrivateKey {
  if (rsaCache === undefined) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaCache = parsePrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  }
  return rsaCache;
}

/** A CA and a leaf issued by it. */
export interface Pki {
  readonly ca: GeneratedCertificate;
  readonly trustStore: TrustStore;
  readonly leaf: GeneratedCertificate;
}

/** A P-256 CA and a `keyType` leaf for `names` (DNS) valid around {@link T0}. */
export function makePki(
  keyType: KeyType = 'p256',
  options: { names?: string[]; ips?: string[]; notBefore?: number; notAfter?: number; subject?: string } = {},
  provider: CryptoProvider = nobleProvider,
): Pki {
  const ca = generateCertificate(
    { subject: 'qk test CA', isCA: true, keyType: 'p256', notBefore: T0 - 10 * DAY, notAfter: T0 + 3650 * DAY },
    provider,
  );
  const leaf = generateCertificate(
    {
      subject: options.subject ?? 'server.test',
      subjectAltNames: { dns: options.names ?? ['server.test'], ip: options.ips ?? [] },
      ...(keyType === 'rsa2048' ? { privateKey: rsaKey() } : { keyType }),
      issuer: { certificate: ca.certificate, privateKey: ca.privateKey },
      notBefore: options.notBefore ?? T0 - DAY,
      notAfter: options.notAfter ?? T0 + 365 * DAY,
    },
    provider,
  );
  return { ca, trustStore: TrustStore.fromCertificates([ca.certificate]), leaf };
}

/** A QUIC-mode client config trusting `pki`. */
export function clientConfig(pki: Pki, clock: Clock, extra: Partial<TlsClientConfig> = {}): TlsClientConfig {
  return {
    provider: nobleProvider,
    now: clock.now,
    serverName: 'server.test',
    trustStore: pki.trustStore,
    alpnProtocols: ['h3'],
    transportParameters: CLIENT_TP,
    ...extra,
  };
}

/** A QUIC-mode server config serving `pki.leaf`. */
export function serverConfig(pki: Pki, clock: Clock, extra: Partial<TlsServerConfig> = {}): TlsServerConfig {
  return {
    provider: nobleProvider,
    now: clock.now,
    certificateChain: [pki.leaf.certificate],
    privateKey: pki.leaf.privateKey,
    alpnProtocols: ['h3'],
    transportParameters: SERVER_TP,
    ...extra,
  };
}

/** What flowed through a pipe run. */
export interface PipeResult {
  readonly clientEvents: TlsEvent[];
  readonly serverEvents: TlsEvent[];
  /** Every output item, in order, with its sender. */
  readonly flights: { readonly from: 'client' | 'server'; readonly level: EncryptionLevel; readonly data: Uint8Array }[];
}

/** Rewrites (or drops, with `undefined`) an output item in transit. */
export type Tamper = (from: 'client' | 'server', out: TlsOutput, index: number) => TlsOutput | undefined;

function drain(s: TlsSession, events: TlsEvent[]): TlsOutput[] {
  for (let e; (e = s.pollEvent()); ) events.push(e);
  const outs: TlsOutput[] = [];
  for (let o; (o = s.pollOutput()); ) outs.push(o);
  for (let e; (e = s.pollEvent()); ) events.push(e);
  return outs;
}

/**
 * Moves handshake bytes between `client` and `server` until neither has anything to send. Alerts propagate.
 * `split` delivers every item one byte at a time, to exercise reassembly.
 */
export function pipe(
  client: TlsSession,
  server: TlsSession,
  options: { tamper?: Tamper; split?: boolean; start?: boolean } = {},
): PipeResult {
  const result: PipeResult = { clientEvents: [], serverEvents: [], flights: [] };
  if (options.start !== false) {
    client.start();
    server.start();
  }
  let index = 0;
  for (let round = 0; round < 20; round++) {
    let moved = false;
    for (const [from, src, dst, events] of [
      ['client', client, server, result.clientEvents],
      ['server', server, client, result.serverEvents],
    ] as const) {
      for (const original of drain(src, events)) {
        const out = options.tamper ? options.tamper(from, original, index++) : original;
        if (out === undefined) continue;
        result.flights.push({ from, level: out.level, data: out.data });
        moved = true;
        if (options.split) {
          for (let i = 0; i < out.data.length; i++) dst.handleData(out.level, out.data.subarray(i, i + 1));
        } else {
          dst.handleData(out.level, out.data);
        }
      }
    }
    if (!moved) {
      for (let e; (e = client.pollEvent()); ) result.clientEvents.push(e);
      for (let e; (e = server.pollEvent()); ) result.serverEvents.push(e);
      return result;
    }
  }
  throw new Error('pipe did not settle');
}

/** Secrets of one side keyed `level/direction` (the latest of each). */
export function secretsOf(events: readonly TlsEvent[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of events) if (e.kind === 'secretsDerived') m.set(`${e.level}/${e.direction}`, toHex(e.secret));
  return m;
}

/** Asserts that what one side writes the other reads, at every level both derived. */
export function expectMatchingSecrets(result: PipeResult): void {
  const c = secretsOf(result.clientEvents);
  const s = secretsOf(result.serverEvents);
  // 0-RTT: the client derives its write secret before it knows; compare only when the server accepted
  if (s.has('zeroRtt/read')) expect(c.get('zeroRtt/write')).toBe(s.get('zeroRtt/read'));
  for (const level of ['handshake', 'oneRtt']) {
    if (c.has(`${level}/write`) || s.has(`${level}/read`)) expect(c.get(`${level}/write`)).toBe(s.get(`${level}/read`));
    if (s.has(`${level}/write`) || c.has(`${level}/read`)) expect(s.get(`${level}/write`)).toBe(c.get(`${level}/read`));
  }
  expect(c.get('handshake/write')).toBeDefined();
  expect(c.get('oneRtt/write')).toBeDefined();
}

/** Runs `fn` and returns the TlsAlert it throws (failing the test if it throws anything else or nothing). */
export function alertOf(fn: () => void): TlsAlert {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsAlert) return e;
    throw e;
  }
  throw new Error('expected a TlsAlert');
}

/** A fresh client/server pair. */
export function sessions(cc: TlsClientConfig, sc: TlsServerConfig): { client: ClientSession; server: ServerSession } {
  return { client: createClientSession(cc), server: createServerSession(sc) };
}

/** Kinds of the events, in order, without secretsDerived. */
export function kinds(events: readonly TlsEvent[]): string[] {
  return events.filter((e) => e.kind !== 'secretsDerived').map((e) => e.kind);
}
