/**
 * Connection ID frames (RFC 9000 §5.1, §19.15, §19.16): the peer's NEW_CONNECTION_ID and RETIRE_CONNECTION_ID.
 *
 * @module
 */
import type { NewConnectionIdFrame, RetireConnectionIdFrame } from '../../wire/index.js';
import type { ConnectionCore } from '../core.js';

/** How many of our connection IDs the peer gets at most, whatever its active_connection_id_limit. */
export const MAX_ISSUED_CONNECTION_IDS = 8;

/**
 * NEW_CONNECTION_ID (RFC 9000 §19.15): store the spare ID, retire those below Retire Prior To.
 *
 * @throws TransportError PROTOCOL_VIOLATION, CONNECTION_ID_LIMIT_ERROR
 */
export function onNewConnectionIdFrame(c: ConnectionCore, f: NewConnectionIdFrame): void {
  c.peerCids.onNewConnectionId(f);
}

/**
 * RETIRE_CONNECTION_ID (RFC 9000 §19.16): forget the ID, tell the router, and issue a replacement.
 *
 * @param dcid the Destination Connection ID of the packet that carried the frame
 * @throws TransportError PROTOCOL_VIOLATION for an ID never issued or the one the packet was sent to
 */
export function onRetireConnectionIdFrame(c: ConnectionCore, f: RetireConnectionIdFrame, dcid: Uint8Array): void {
  const retired = c.localCids.retire(f.sequenceNumber, dcid);
  if (retired === undefined) return;
  c.emit({ kind: 'connectionIdRetired', sequenceNumber: retired.sequenceNumber, connectionId: retired.connectionId });
  topUpConnectionIds(c);
}

/** Issues connection IDs until the peer holds as many as it allows (RFC 9000 §5.1.1), at most 8. */
export function topUpConnectionIds(c: ConnectionCore): void {
  const limit = c.peerParams?.activeConnectionIdLimit;
  if (limit === undefined || !c.handshakeComplete || c.isClosing()) return;
  const target = Math.min(limit, MAX_ISSUED_CONNECTION_IDS);
  while (c.localCids.active.length < target) {
    const id = c.localCids.issue();
    if (id === undefined) return;
    c.emit({ kind: 'connectionIdIssued', ...id });
  }
}
