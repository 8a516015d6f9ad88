/**
 * The layer order of ../shared/DESIGN.md §1, as data. Each package may import only the packages listed for it,
 * the leaf `@qk/octets`, and external dependencies. Apps and tooling may compose anything.
 */
export const ALLOWED_QK_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  '@qk/octets': [],
  '@qk/tls13': [],
  '@qk/quic-core': ['@qk/tls13'],
  '@qk/io-actors': ['@qk/quic-core'],
  '@qk/app-over-quic': ['@qk/io-actors'],
  '@qk/h3': ['@qk/app-over-quic'],
  '@qk/doq': ['@qk/app-over-quic'],
  '@qk/masque': ['@qk/h3'],
};

/** The leaf every package may import. */
export const LEAF = '@qk/octets';

/** Packages that must stay sans-io: no sockets, timers, clock or ambient randomness in their sources. */
export const SANS_IO = new Set(['@qk/octets', '@qk/tls13', '@qk/quic-core']);

/** Node modules a sans-io package must not import (network, timers, processes, files). */
export const FORBIDDEN_MODULES = new Set([
  'dgram', 'net', 'tls', 'http', 'https', 'http2', 'timers', 'timers/promises', 'child_process', 'cluster',
  'worker_threads', 'fs', 'fs/promises', 'dns', 'perf_hooks',
].flatMap((m) => [m, `node:${m}`]));

/** Calls of these global functions are timers. */
export const FORBIDDEN_CALLS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask']);

/** `object.member` accesses that read the clock or ambient randomness. */
export const FORBIDDEN_MEMBERS = new Set([
  'Date.now', 'performance.now', 'process.hrtime', 'Math.random', 'crypto.getRandomValues', 'crypto.randomUUID',
  'crypto.randomBytes', 'crypto.randomFillSync', 'crypto.randomInt',
]);

/** Names imported from node:crypto that are ambient randomness. */
export const FORBIDDEN_CRYPTO_IMPORTS = new Set(['randomBytes', 'randomFillSync', 'randomInt', 'randomUUID', 'getRandomValues', 'webcrypto']);

/**
 * A line (or the line before it) carrying this marker is exempt from the sans-io rules, with the reason after
 * it. Used where ambient access is the point, e.g. the node:crypto provider's random source.
 */
export const ALLOW_MARKER = 'qk-allow-ambient:';
