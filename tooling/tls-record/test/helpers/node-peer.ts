/**
 * node:tls (OpenSSL inside Node) as the peer of the interop tests: an echo server and a client, both bounded by
 * timeouts and closed at the end.
 */
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { withTimeout } from '../../src/net.js';

/** Node's names for the groups both sides support. */
export const NODE_CURVE: Readonly<Record<string, string>> = {
  x25519: 'X25519',
  secp256r1: 'prime256v1',
  secp384r1: 'secp384r1',
};

/** What the node server saw of one connection. */
export interface NodeServerConnection {
  readonly cipher: string;
  readonly alpn: string | false | null;
  readonly resumed: boolean;
  readonly peerCertificateSubject?: string;
}

export interface NodeServer {
  readonly port: number;
  readonly connections: NodeServerConnection[];
  /** Errors of connections that failed (tlsClientError), e.g. the alert qk sent. */
  readonly errors: Error[];
  close(): Promise<void>;
}

/** Starts a TLS 1.3-only node:tls echo server on 127.0.0.1 with an ephemeral port. */
export async function startNodeServer(options: tls.TlsOptions): Promise<NodeServer> {
  const connections: NodeServerConnection[] = [];
  const errors: Error[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ...options }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const peer = socket.getPeerCertificate();
    connections.push({
      cipher: socket.getCipher().standardName,
      alpn: socket.alpnProtocol,
      resumed: socket.isSessionReused(),
      ...(peer?.subject?.CN ? { peerCertificateSubject: String(peer.subject.CN) } : {}),
    });
    socket.on('data', (d: Buffer) => socket.write(d));
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });
  server.on('tlsClientError', (e) => errors.push(e));
  await withTimeout(
    new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve())),
    5000,
    'the node:tls server to listen',
  );
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    errors,
    close: () =>
      withTimeout(
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
        5000,
        'the node:tls server to close',
      ),
  };
}

/** A finished node:tls client exchange. */
export interface NodeClientResult {
  readonly cipher: string;
  readonly group: string | undefined;
  readonly alpn: string | false | null;
  readonly resumed: boolean;
  readonly echoed: string;
  /** The last session (ticket) node received, for resumption. */
  readonly session: Buffer | undefined;
}

/**
 * Connects with node:tls (TLS 1.3 only), sends `message`, waits for the echo (and, with `waitForSession`, a
 * session ticket), then closes.
 */
export async function nodeClientExchange(
  options: tls.ConnectionOptions & { port: number; message: string; waitForSession?: boolean; timeoutMs?: number },
): Promise<NodeClientResult> {
  const { message, waitForSession = false, timeoutMs = 10_000, ...connectOptions } = options;
  const socket = tls.connect({ host: '127.0.0.1', minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', ...connectOptions });
  let session: Buffer | undefined;
  socket.on('session', (s: Buffer) => (session = s));
  try {
    return await withTimeout(
      new Promise<NodeClientResult>((resolve, reject) => {
        let echoed = '';
        socket.once('error', reject);
        socket.once('secureConnect', () => socket.write(message));
        const check = (): void => {
          if (echoed.length >= message.length && (!waitForSession || session !== undefined)) {
            const key = socket.getEphemeralKeyInfo() as { name?: string } | null;
            resolve({
              cipher: socket.getCipher().standardName,
              group: key?.name,
              alpn: socket.alpnProtocol,
              resumed: socket.isSessionReused(),
              echoed,
              session,
            });
          }
        };
        socket.on('data', (d: Buffer) => {
          echoed += d.toString('utf8');
          check();
        });
        socket.on('session', check);
        socket.once('end', () => reject(new Error(`server closed early; got ${JSON.stringify(echoed)}`)));
      }),
      timeoutMs,
      'the node:tls client exchange',
    );
  } finally {
    socket.end();
    socket.destroySoon();
  }
}
