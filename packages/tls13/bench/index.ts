/**
 * `pnpm bench` for @qk/tls13: the crypto provider benchmark (AEAD, header protection, key exchange, signatures,
 * beside plain node:crypto), then the handshake benchmark (full handshakes per second beside node:tls). Bounded:
 * well under a minute in all. Benchmarks never gate CI.
 */
import { runCryptoBench } from './crypto.js';
import { runHandshakeBench } from './handshake.js';

const started = performance.now();
runCryptoBench();
await runHandshakeBench();
console.log(`\nbench done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
