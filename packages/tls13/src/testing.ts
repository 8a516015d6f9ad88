/**
 * `@qk/tls13/testing`: harnesses other packages' tests reuse. Sessions with hooks that rewrite a ClientHello,
 * HelloRetryRequest or EncryptedExtensions before encoding (for negative and trace tests). Never for production.
 *
 * @packageDocumentation
 */
export { createClientSessionForTesting, createServerSessionForTesting } from './handshake/testing.js';
export type { ClientTestHooks, ServerTestHooks } from './handshake/testing.js';
