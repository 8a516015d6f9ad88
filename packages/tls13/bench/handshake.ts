/**
 * Handshake benchmark: full TLS 1.3 handshakes per second, client and server in one process, in memory (QUIC
 * mode, no I/O), per key-exchange group and per certificate key type, for `nobleProvider` and
 * `fastestNodeProvider`; beside node:tls doing the same handshakes over loopback TCP in the same process (OpenSSL
 * inside Node: its figure includes the TCP connect and the event loop, so the ratio flatters node:tls slightly
 * less than it flatters qk). Time-bounded per cell (about 15 s in all).
 *
 * Run with `pnpm bench` (through bench/index.ts) or on its own:
 * `npx tsx --conditions=@qk/source bench/handshake.ts` from packages/tls13.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { fastestNodeProvider } from '../src/crypto/fastest.js';
import { nobleProvider } from '../src/crypto/noble.js';
import type { CryptoProvider, KeyExchangeGroup } from '../src/crypto/provider.js';
import type { PrivateKey } from '../src/crypto/keys.js';
import { createClientSession, createServerSession } from '../src/handshake/index.js';
import type { TlsClientConfig, TlsServerConfig, TlsSession } from '../src/handshake/index.js';
import { TrustStore, generateCertificate, parsePrivateKey } from '../src/x509/index.js';
import type { Certificate } from '../src/x509/index.js';

/** Certificate key types benchmarked. */
export const CERT_KEY_TYPES = ['P-256', 'P-384', 'Ed25519', 'RSA-2048'] as const;
export type CertKeyType = (typeof CERT_KEY_TYPES)[number];

/** Groups benchmarked (node:tls on Node 20 / OpenSSL 3.0 has no ML-KEM). */
export const BENCH_GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1', 'x25519mlkem768'];

const NODE_CURVES: Partial<Record<KeyExchangeGroup, string>> = {
  x25519: 'X25519',
  secp256r1: 'prime256v1',
  secp384r1: 'secp384r1',
};

/** Opaque quic_transport_parameters for in-memory QUIC-mode handshakes (initial_max_data = 1 MiB). */
export const DUMMY_TRANSPORT_PARAMETERS = Uint8Array.of(0x04, 0x04, 0x80, 0x10, 0x00, 0x00);

/** A server identity: qk objects and PEM for node:tls. */
export interface BenchIdentity {
  readonly keyType: CertKeyType;
  readonly chain: readonly Certificate[];
  readonly privateKey: PrivateKey;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A CA and one server identity per key type (for `localhost`), valid around `now`. */
export interface BenchPki {
  readonly caPem: string;
  readonly trustStore: TrustStore;
  readonly identities: Readonly<Record<CertKeyType, BenchIdentity>>;
}

/** Generates the benchmark's certificates with qk's X.509 module (RSA key from node:crypto). */
export function makeBenchPki(provider: CryptoProvider = nobleProvider, now: number = Date.now()): BenchPki {
  const validity = { notBefore: now - 3_600_000, notAfter: now + 86_400_000 };
  const ca = generateCertificate({ subject: 'qk bench CA', isCA: true, keyType: 'p256', ...validity }, provider);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
  const keys: Record<CertKeyType, { keyType: 'p256' | 'p384' | 'ed25519' } | { privateKey: PrivateKey }> = {
    'P-256': { keyType: 'p256' },
    'P-384': { keyType: 'p384' },
    Ed25519: { keyType: 'ed25519' },
    'RSA-2048': { privateKey: parsePrivateKey(rsa as string) },
  };
  const identities = {} as Record<CertKeyType, BenchIdentity>;
  for (const keyType of CERT_KEY_TYPES) {
    const g = generateCertificate(
      {
        subject: 'localhost',
        subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1'] },
        issuer: { certificate: ca.certificate, privateKey: ca.privateKey },
        ...keys[keyType],
        ...validity,
      },
      provider,
    );
    identities[keyType] = { keyType, chain: [g.certificate], privateKey: g.privateKey, certPem: g.pem, keyPem: g.keyPem };
  }
  return { caPem: ca.pem, trustStore: TrustStore.fromCertificates([ca.certificate]), identities };
}

/**
 * Runs one handshake between two sessions in memory: every output goes straight into the peer at its level.
 * Throws if it does not complete. Events are drained and dropped.
 */
export function handshakeInMemory(client: TlsSession, server: TlsSession): void {
  client.start();
  for (let round = 0; round < 16; round++) {
    let moved = false;
    for (let out = client.pollOutput(); out !== undefined; out = client.pollOutput()) {
      server.handleData(out.level, out.data);
      moved = true;
    }
    for (let out = server.pollOutput(); out !== undefined; out = server.pollOutput()) {
      client.handleData(out.level, out.data);
      moved = true;
    }
    while (client.pollEvent() !== undefined);
    while (server.pollEvent() !== undefined);
    if (!moved) break;
  }
  if (!client.isHandshakeComplete() || !server.isHandshakeComplete()) {
    throw new Error(`handshake stuck: client ${client.state}, server ${server.state}`);
  }
}

/** Configs for full (never resumed) QUIC-mode handshakes with `group` only and `identity`'s certificate. */
export function fullHandshakeConfigs(
  provider: CryptoProvider,
  pki: BenchPki,
  identity: BenchIdentity,
  group: KeyExchangeGroup,
): { client: TlsClientConfig; server: TlsServerConfig } {
  const common = {
    provider,
    now: Date.now,
    alpnProtocols: ['h3'],
    groups: [group],
    transportParameters: DUMMY_TRANSPORT_PARAMETERS,
  };
  return {
    client: { ...common, serverName: 'localhost', trustStore: pki.trustStore },
    server: { ...common, certificateChain: identity.chain, privateKey: identity.privateKey, ticketCount: 0 },
  };
}

/** Full handshakes per second of qk in memory for `budgetMs` (after one warm-up handshake). */
export function qkHandshakesPerSecond(
  provider: CryptoProvider,
  pki: BenchPki,
  identity: BenchIdentity,
  group: KeyExchangeGroup,
  budgetMs: number,
): number {
  const { client, server } = fullHandshakeConfigs(provider, pki, identity, group);
  handshakeInMemory(createClientSession(client), createServerSession(server));
  const start = performance.now();
  let n = 0;
  let now = start;
  while (n < 2 || now - start < budgetMs) {
    handshakeInMemory(createClientSession(client), createServerSession(server));
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/**
 * Full handshakes per second of node:tls, client and server in this process over loopback TCP, sequentially (no
 * session reuse) for `budgetMs`. `undefined` when node:tls cannot use `group`.
 */
export async function nodeHandshakesPerSecond(
  pki: BenchPki,
  identity: BenchIdentity,
  group: KeyExchangeGroup,
  budgetMs: number,
): Promise<number | undefined> {
  const curve = NODE_CURVES[group];
  if (curve === undefined) return undefined;
  const server = tls.createServer({
    key: identity.keyPem,
    cert: identity.certPem,
    minVersion: 'TLSv1.3',
    ecdhCurve: curve,
  });
  server.on('secureConnection', (s) => {
    s.on('error', () => undefined);
    s.end();
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port,
        ca: pki.caPem,
        servername: 'localhost',
        minVersion: 'TLSv1.3',
        ecdhCurve: curve,
      });
      s.once('secureConnect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', reject);
    });
  try {
    await once();
    const start = performance.now();
    let n = 0;
    let now = start;
    while (n < 2 || now - start < budgetMs) {
      await once();
      n++;
      now = performance.now();
    }
    return (n * 1000) / (now - start);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** One row of the benchmark. */
export interface HandshakeBenchResult {
  readonly group: KeyExchangeGroup;
  readonly certificate: CertKeyType;
  /** Handshakes per second by provider name (`noble`, `fastest`). */
  readonly qk: Readonly<Record<string, number>>;
  /** node:tls handshakes per second, when node can do this group. */
  readonly node: number | undefined;
}

/**
 * Measures and prints the table: one row per group (P-256 certificate) and per certificate key type (x25519).
 * `budgetMs` bounds each cell.
 */
export async function runHandshakeBench(
  log: (line: string) => void = console.log,
  budgetMs = 350,
): Promise<HandshakeBenchResult[]> {
  const providers: readonly CryptoProvider[] = [nobleProvider, fastestNodeProvider];
  const pki = makeBenchPki();
  const rows: Array<{ group: KeyExchangeGroup; certificate: CertKeyType }> = [
    ...BENCH_GROUPS.map((group) => ({ group, certificate: 'P-256' as const })),
    ...CERT_KEY_TYPES.filter((c) => c !== 'P-256').map((certificate) => ({ group: 'x25519' as const, certificate })),
  ];
  const width = [16, 10];
  const cols = [...providers.map((p) => `qk ${p.name}`), 'node:tls', ...providers.map((p) => `${p.name}/node`)];
  log('');
  log('## Full TLS 1.3 handshakes per second, client and server in one process');
  log('   (qk: in memory, QUIC mode; node:tls: over loopback TCP)');
  log(['group'.padEnd(width[0]!), 'cert'.padEnd(width[1]!), ...cols.map((c) => c.padStart(14))].join(''));
  const results: HandshakeBenchResult[] = [];
  for (const { group, certificate } of rows) {
    const identity = pki.identities[certificate];
    const qk: Record<string, number> = {};
    for (const p of providers) qk[p.name] = qkHandshakesPerSecond(p, pki, identity, group, budgetMs);
    const node = await nodeHandshakesPerSecond(pki, identity, group, budgetMs);
    results.push({ group, certificate, qk, node });
    const cells = [
      ...providers.map((p) => qk[p.name]!.toFixed(0)),
      node === undefined ? 'n/a' : node.toFixed(0),
      ...providers.map((p) => (node === undefined ? '-' : `x${(qk[p.name]! / node).toFixed(2)}`)),
    ];
    log([group.padEnd(width[0]!), certificate.padEnd(width[1]!), ...cells.map((c) => c.padStart(14))].join(''));
  }
  log('(node:tls n/a: OpenSSL 3.0 in Node 20 has no X25519MLKEM768; ratios are qk / node:tls)');
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runHandshakeBench();
}
