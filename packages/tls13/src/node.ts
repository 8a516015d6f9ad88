/**
 * `@qk/tls13/node`: what only runs on Node.js. The node:crypto providers (`fastestNodeProvider` picks the faster
 * implementation per primitive, as measured in the README), Node's bundled CA roots as a `TrustStore`, and key-log
 * file output for SSLKEYLOGFILE.
 *
 * @packageDocumentation
 */
export { fastestNodeProvider, nodeProvider } from './crypto/node-index.js';
export { nodeRootStore, nodeRootsReport } from './x509/node-roots.js';
export { keyLogFromEnv, keyLogToFile } from './node/keylog-file.js';
