/**
 * CONNECTION_CLOSE (RFC 9000 §10.2, §19.19): receiving one drains the connection; and the one catch site's
 * translation of thrown errors into a close with the right code (TransportError → its code and frame type,
 * TlsAlert → CRYPTO_ERROR 0x100 + alert, anything else → INTERNAL_ERROR).
 *
 * @module
 */
import { TlsAlert } from '@qk/tls13';
import { TransportError, TransportErrorCode } from '../../errors.js';
import type { ConnectionCloseFrame } from '../../wire/index.js';
import type { ConnectionCore } from '../core.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** The peer closed (RFC 9000 §10.2.2): enter the draining state. */
export function onConnectionCloseFrame(c: ConnectionCore, f: ConnectionCloseFrame, now: number): void {
  const application = f.errorSpace === 'application';
  c.enterDraining(
    {
      cause: 'peerClosed',
      errorCode: f.errorCode,
      frameType: f.errorSpace === 'transport' ? f.frameType : undefined,
      reason: decoder.decode(f.reasonPhrase),
      application,
      fromPeer: true,
    },
    now,
  );
}

/** Closes the connection for `error`, thrown while handling input or producing output. */
export function closeOnError(c: ConnectionCore, error: unknown, now: number): void {
  if (c.isClosing()) return;
  if (error instanceof TransportError) {
    c.enterClosing(
      { errorCode: error.code, frameType: error.frameType ?? 0, reason: error.reason, application: false },
      'transportError',
      now,
    );
  } else if (error instanceof TlsAlert) {
    c.enterClosing({ errorCode: error.quicErrorCode, frameType: 0x06, reason: error.message, application: false }, 'tlsAlert', now);
  } else {
    const reason = error instanceof Error ? error.message : String(error);
    c.enterClosing(
      { errorCode: TransportErrorCode.INTERNAL_ERROR, frameType: 0, reason: `internal error: ${reason}`, application: false },
      'internalError',
      now,
    );
  }
}
