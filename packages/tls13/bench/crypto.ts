/**
 * Crypto provider benchmark: noble, node and fastest side by side, with plain node:crypto (what node:tls / OpenSSL
 * does per record) as the reference for AEAD. Time-bounded per measurement (the whole run takes about 20 s).
 *
 * Run with `pnpm bench` (through bench/index.ts) or on its own:
 * `npx tsx --conditions=@qk/source bench/crypto.ts` from packages/tls13.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { fastestNodeProvider } from '../src/crypto/fastest.js';
import { nobleProvider } from '../src/crypto/noble.js';
import { nodeProvider } from '../src/crypto/node.js';
import type { AeadAlgorithm, CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../src/crypto/provider.js';
import { testKeyPair, type TestKeyType } from '../test/crypto/node-keys.js';

const PACKET = 1200;
const AEADS: ReadonlyArray<readonly [AeadAlgorithm, number]> = [
  ['aes-128-gcm', 16],
  ['aes-256-gcm', 32],
  ['chacha20-poly1305', 32],
];
const GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1', 'x25519mlkem768'];
const SIGNATURES: ReadonlyArray<readonly [string, TestKeyType, SignatureAlgorithm]> = [
  ['ecdsa P-256 sha256', 'P-256', { kind: 'ecdsa', hash: 'sha256' }],
  ['ecdsa P-384 sha384', 'P-384', { kind: 'ecdsa', hash: 'sha384' }],
  ['ed25519', 'ed25519', { kind: 'ed25519' }],
  ['rsa-pss 2048 sha256', 'rsa2048', { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }],
  ['rsa-pkcs1 2048 sha256', 'rsa2048', { kind: 'rsa-pkcs1', hash: 'sha256' }],
  ['rsa-pss 3072 sha384', 'rsa3072', { kind: 'rsa-pss', hash: 'sha384', saltLength: 48 }],
];

/** One measurement: microseconds per operation. */
export interface BenchResult {
  readonly section: string;
  readonly operation: string;
  readonly provider: string;
  readonly microsPerOp: number;
  /** Throughput for byte-oriented operations. */
  readonly megabytesPerSecond?: number;
}

/** Runs `op` for about `budgetMs` (at least `minOps` times) after a short warm-up; returns µs per call. */
function measure(op: () => unknown, budgetMs = 120, minOps = 3): number {
  const warmEnd = performance.now() + budgetMs / 4;
  let warm = 0;
  while (warm < minOps || performance.now() < warmEnd) {
    op();
    warm++;
  }
  // Batch so the clock is read rarely for fast operations.
  const batch = Math.max(1, Math.min(1000, Math.floor(warm / 10)));
  const start = performance.now();
  const end = start + budgetMs;
  let n = 0;
  let now = start;
  while (n < minOps || now < end) {
    for (let i = 0; i < batch; i++) op();
    n += batch;
    now = performance.now();
  }
  return ((now - start) * 1000) / n;
}

function fmt(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(2)} µs`;
}

function mbps(bytes: number, us: number): number {
  return bytes / us; // bytes per µs = MB/s
}

/** Plain node:crypto AEAD with a new cipher per packet, as node:tls / OpenSSL records are processed. */
function opensslSeal(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array) {
  const c = createCipheriv(alg as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad);
  const body = c.update(pt);
  c.final();
  return [body, c.getAuthTag()];
}

function opensslOpen(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array) {
  const d = createDecipheriv(alg as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  d.setAuthTag(ct.subarray(ct.length - 16));
  d.setAAD(aad);
  const body = d.update(ct.subarray(0, ct.length - 16));
  d.final();
  return body;
}

/**
 * Measures every provider and prints one table per section. Returns the raw results (µs/op).
 */
export function runCryptoBench(log: (line: string) => void = console.log): BenchResult[] {
  const providers: readonly CryptoProvider[] = [nobleProvider, nodeProvider, fastestNodeProvider];
  const results: BenchResult[] = [];
  const record = (section: string, operation: string, provider: string, us: number, bytes?: number) => {
    const r: BenchResult =
      bytes === undefined
        ? { section, operation, provider, microsPerOp: us }
        : { section, operation, provider, microsPerOp: us, megabytesPerSecond: mbps(bytes, us) };
    results.push(r);
    return r;
  };
  const columns = [...providers.map((p) => p.name), 'openssl'];
  const header = (title: string) => {
    log('');
    log(`## ${title}`);
    log(['operation'.padEnd(30), ...columns.map((c) => c.padStart(22))].join(''));
  };
  const row = (operation: string, cells: ReadonlyArray<string | undefined>) =>
    log([operation.padEnd(30), ...cells.map((c) => (c ?? '-').padStart(22))].join(''));

  log(`qk crypto bench: node ${process.version}, ${PACKET}-byte packets, 20-byte AAD`);

  // AEAD
  header(`AEAD seal/open of ${PACKET}-byte packets (µs/op, MB/s, x openssl)`);
  const nonce = new Uint8Array(12).fill(1);
  const aad = new Uint8Array(20).fill(2);
  const plaintext = new Uint8Array(PACKET).fill(3);
  for (const [alg, keyLength] of AEADS) {
    const key = new Uint8Array(keyLength).fill(4);
    const sealed = nodeProvider.aead(alg, key).seal(nonce, aad, plaintext);
    for (const direction of ['seal', 'open'] as const) {
      const ref = measure(() =>
        direction === 'seal' ? opensslSeal(alg, key, nonce, aad, plaintext) : opensslOpen(alg, key, nonce, aad, sealed),
      );
      record('aead', `${direction} ${alg}`, 'openssl', ref, PACKET);
      const cells = providers.map((p) => {
        const aead = p.aead(alg, key);
        const us = measure(() => (direction === 'seal' ? aead.seal(nonce, aad, plaintext) : aead.open(nonce, aad, sealed)));
        record('aead', `${direction} ${alg}`, p.name, us, PACKET);
        return `${fmt(us)} ${mbps(PACKET, us).toFixed(0)}MB/s x${(us / ref).toFixed(1)}`;
      });
      row(`${direction} ${alg}`, [...cells, `${fmt(ref)} ${mbps(PACKET, ref).toFixed(0)}MB/s`]);
    }
  }

  // Header protection
  header('Header-protection mask (µs/op)');
  const sample = new Uint8Array(16).fill(5);
  for (const [alg, keyLength] of AEADS) {
    const key = new Uint8Array(keyLength).fill(6);
    const cells = providers.map((p) => {
      const hp = p.headerProtection(alg, key);
      const us = measure(() => hp.mask(sample));
      record('header-protection', alg, p.name, us);
      return fmt(us);
    });
    row(`mask ${alg}`, [...cells, undefined]);
  }

  // Hashes, HMAC, HKDF (transcript hashing and the key schedule)
  header('Hashes and HKDF (µs/op)');
  const small = new Uint8Array(32).fill(8);
  const transcript = new Uint8Array(1024).fill(9);
  const hashOps: ReadonlyArray<readonly [string, (p: CryptoProvider) => unknown]> = [
    ['sha256 32 B', (p) => p.hash('sha256', small)],
    ['sha256 1 KiB', (p) => p.hash('sha256', transcript)],
    ['sha384 1 KiB', (p) => p.hash('sha384', transcript)],
    ['hmac-sha256 32 B', (p) => p.hmac('sha256', small, small)],
    ['hkdf-extract sha256', (p) => p.hkdfExtract('sha256', small, small)],
    ['hkdf-expand sha256 32 B', (p) => p.hkdfExpand('sha256', small, small, 32)],
  ];
  for (const [name, op] of hashOps) {
    const cells = providers.map((p) => {
      const us = measure(() => op(p), 80);
      record('hash', name, p.name, us);
      return fmt(us);
    });
    row(name, [...cells, undefined]);
  }

  // Key exchange
  header('Key exchange (client: generate + complete; server: accept)');
  for (const group of GROUPS) {
    const clientCells: string[] = [];
    const serverCells: string[] = [];
    for (const p of providers) {
      const serverReply = p.acceptKeyExchange(group, p.generateKeyShare(group).publicShare)!.publicShare;
      const client = measure(() => p.completeKeyExchange(p.generateKeyShare(group), serverReply), 200);
      const clientShare = p.generateKeyShare(group).publicShare;
      const server = measure(() => p.acceptKeyExchange(group, clientShare), 200);
      record('key-exchange', `${group} client`, p.name, client);
      record('key-exchange', `${group} server`, p.name, server);
      clientCells.push(fmt(client));
      serverCells.push(fmt(server));
    }
    row(`${group} client`, [...clientCells, undefined]);
    row(`${group} server`, [...serverCells, undefined]);
  }

  // Signatures
  header('Signatures over a 130-byte message (sign, verify)');
  const message = new Uint8Array(130).fill(7);
  for (const [name, type, alg] of SIGNATURES) {
    const kp = testKeyPair(type);
    const signature = nodeProvider.sign(alg, kp.privateKey, message);
    const signCells: string[] = [];
    const verifyCells: string[] = [];
    for (const p of providers) {
      const s = measure(() => p.sign(alg, kp.privateKey, message), 200);
      const v = measure(() => p.verify(alg, kp.publicKey, message, signature), 200);
      record('signature', `${name} sign`, p.name, s);
      record('signature', `${name} verify`, p.name, v);
      signCells.push(fmt(s));
      verifyCells.push(fmt(v));
    }
    row(`sign ${name}`, [...signCells, undefined]);
    row(`verify ${name}`, [...verifyCells, undefined]);
  }
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCryptoBench();
}
