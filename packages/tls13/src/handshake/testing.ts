/**
 * Test-only entry points of the handshake engine: sessions whose ClientHello, HelloRetryRequest or
 * EncryptedExtensions a test can rewrite before they are encoded (the engine still computes PSK binders, hashes
 * and keys). Used to replay the RFC 8448 traces, whose hellos carry extensions qk does not send, and to build
 * negative cases. Not for production use: meant for the package's `./testing` export.
 *
 * @module
 */
import { ClientSession, type ClientTestHooks } from './client.js';
import type { TlsClientConfig, TlsServerConfig } from './config.js';
import { ServerSession, type ServerTestHooks } from './server.js';

export type { ClientTestHooks, ServerTestHooks };

/**
 * A client session with test hooks.
 *
 * @example
 * const client = createClientSessionForTesting(config, { clientHello: (ch) => ({ ...ch, legacySessionId: sid }) });
 */
export function createClientSessionForTesting(config: TlsClientConfig, hooks: ClientTestHooks): ClientSession {
  return new ClientSession(config, hooks);
}

/** A server session with test hooks. */
export function createServerSessionForTesting(config: TlsServerConfig, hooks: ServerTestHooks): ServerSession {
  return new ServerSession(config, hooks);
}
