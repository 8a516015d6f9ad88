/**
 * The small frames: HANDSHAKE_DONE (RFC 9000 §19.20), NEW_TOKEN (§19.7), PATH_CHALLENGE and PATH_RESPONSE
 * (§19.17, §19.18).
 *
 * @module
 */
import { TransportError } from '../../errors.js';
import { FrameType } from '../../wire/index.js';
import type { NewTokenFrame, PathChallengeFrame, PathResponseFrame } from '../../wire/index.js';
import type { ConnectionCore } from '../core.js';

/** PATH_RESPONSE data owed at most: a flood of challenges costs bounded memory. */
const MAX_PATH_RESPONSES = 8;

/**
 * HANDSHAKE_DONE: the client's handshake is confirmed (RFC 9001 §4.1.2).
 *
 * @throws TransportError PROTOCOL_VIOLATION when a server receives it
 */
export function onHandshakeDoneFrame(c: ConnectionCore, now: number): void {
  if (c.role === 'server') {
    throw new TransportError('PROTOCOL_VIOLATION', 'a client sent HANDSHAKE_DONE', { frameType: FrameType.HANDSHAKE_DONE });
  }
  c.confirmHandshake(now);
}

/**
 * NEW_TOKEN: an address validation token for a later connection (kept by the endpoint helpers to come).
 *
 * @throws TransportError PROTOCOL_VIOLATION when a server receives it
 */
export function onNewTokenFrame(c: ConnectionCore, _f: NewTokenFrame): void {
  if (c.role === 'server') {
    throw new TransportError('PROTOCOL_VIOLATION', 'a client sent NEW_TOKEN', { frameType: FrameType.NEW_TOKEN });
  }
}

/** PATH_CHALLENGE: echo its data in a PATH_RESPONSE (RFC 9000 §8.2.2). */
export function onPathChallengeFrame(c: ConnectionCore, f: PathChallengeFrame): void {
  if (c.pathResponses.length >= MAX_PATH_RESPONSES) c.pathResponses.shift();
  c.pathResponses.push(f.data.slice());
}

/** PATH_RESPONSE: we send no PATH_CHALLENGE yet (path validation comes with migration), so it is ignored. */
export function onPathResponseFrame(_c: ConnectionCore, _f: PathResponseFrame): void {
  // An unsolicited PATH_RESPONSE MAY be ignored (RFC 9000 §8.2.2 only requires matching responses).
}
