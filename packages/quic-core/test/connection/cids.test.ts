import { fromHex } from '@qk/octets';
import { nobleProvider } from '@qk/tls13';
import { describe, expect, it } from 'vitest';
import { LocalConnectionIds, PeerConnectionIds } from '../../src/connection/cids.js';
import { TIMER_ORDER, TimerTable } from '../../src/connection/timers.js';
import { statelessResetToken } from '../../src/crypto/index.js';
import { TransportError, TransportErrorCode } from '../../src/errors.js';
import type { NewConnectionIdFrame } from '../../src/wire/index.js';

const KEY = new Uint8Array(32).fill(1);

function ncid(seq: number, retirePriorTo = 0, cidByte = seq): NewConnectionIdFrame {
  return {
    kind: 'newConnectionId',
    sequenceNumber: seq,
    retirePriorTo,
    connectionId: new Uint8Array(8).fill(cidByte),
    statelessResetToken: new Uint8Array(16).fill(0x80 + cidByte),
  };
}

function code(fn: () => void): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransportError) return e.code;
    throw e;
  }
  return undefined;
}

describe('our connection IDs', () => {
  it('derives stateless reset tokens from the static key, issues and retires', () => {
    const initial = fromHex('0102030405060708');
    const ids = new LocalConnectionIds(nobleProvider, KEY, 8, initial);
    expect(ids.initial?.statelessResetToken).toEqual(statelessResetToken(nobleProvider, KEY, initial));
    const a = ids.issue()!;
    const b = ids.issue()!;
    expect([a.sequenceNumber, b.sequenceNumber]).toEqual([1, 2]);
    expect(ids.pending).toEqual([1, 2]);
    expect(ids.has(a.connectionId)).toBe(true);
    // Retiring the ID the packet was sent to, or one never issued, is a PROTOCOL_VIOLATION (RFC 9000 §19.16).
    expect(code(() => ids.retire(1, a.connectionId))).toBe(TransportErrorCode.PROTOCOL_VIOLATION);
    expect(code(() => ids.retire(3, initial))).toBe(TransportErrorCode.PROTOCOL_VIOLATION);
    expect(ids.retire(1, initial)?.connectionId).toEqual(a.connectionId);
    expect(ids.retire(1, initial)).toBeUndefined();
    expect(ids.pending).toEqual([2]);
    expect(ids.has(a.connectionId)).toBe(false);
    expect(new LocalConnectionIds(nobleProvider, KEY, 0, new Uint8Array(0)).issue()).toBeUndefined();
  });
});

describe("the peer's connection IDs", () => {
  it('stores spares up to active_connection_id_limit, then CONNECTION_ID_LIMIT_ERROR', () => {
    const ids = new PeerConnectionIds(3, new Uint8Array(8).fill(0xee));
    ids.onNewConnectionId(ncid(1));
    ids.onNewConnectionId(ncid(2));
    ids.onNewConnectionId(ncid(2)); // a retransmission: ignored
    expect(ids.size).toBe(3);
    expect(code(() => ids.onNewConnectionId(ncid(3)))).toBe(TransportErrorCode.CONNECTION_ID_LIMIT_ERROR);
  });

  it('rejects a sequence number reused with another ID, or an ID reused with another sequence number', () => {
    const ids = new PeerConnectionIds(4, new Uint8Array(8).fill(0xee));
    ids.onNewConnectionId(ncid(1));
    expect(code(() => ids.onNewConnectionId(ncid(1, 0, 9)))).toBe(TransportErrorCode.PROTOCOL_VIOLATION);
    expect(code(() => ids.onNewConnectionId({ ...ncid(2), connectionId: new Uint8Array(8).fill(1) }))).toBe(
      TransportErrorCode.PROTOCOL_VIOLATION,
    );
    const zero = new PeerConnectionIds(4, new Uint8Array(0));
    expect(code(() => zero.onNewConnectionId(ncid(1)))).toBe(TransportErrorCode.PROTOCOL_VIOLATION);
  });

  it('retires everything below Retire Prior To, switching to a newer ID', () => {
    const ids = new PeerConnectionIds(4, new Uint8Array(8).fill(0xee));
    ids.onNewConnectionId(ncid(1));
    ids.onNewConnectionId(ncid(2, 2));
    expect(ids.current).toEqual(new Uint8Array(8).fill(2));
    expect(ids.pendingRetire).toEqual([0, 1]);
    // A late NEW_CONNECTION_ID below the threshold is retired at once.
    ids.onNewConnectionId({ ...ncid(1, 0, 11) });
    expect(ids.pendingRetire).toEqual([0, 1]);
    expect(ids.takeRetire()).toBe(0);
    ids.onRetireLost(0);
    expect(ids.pendingRetire).toEqual([1, 0]);
  });

  it('recognises a stateless reset by the token of the ID in use only', () => {
    const ids = new PeerConnectionIds(4, new Uint8Array(8).fill(0xee));
    const token = new Uint8Array(16).fill(0x77);
    ids.setInitialToken(token);
    const d = new Uint8Array(30);
    d.set(token, 14);
    expect(ids.isStatelessReset(d)).toBe(true);
    expect(ids.isStatelessReset(d.subarray(0, 20))).toBe(false); // too short to be one
    ids.onNewConnectionId(ncid(1));
    const other = new Uint8Array(30);
    other.set(new Uint8Array(16).fill(0x81), 14); // the token of ID 1, not in use
    expect(ids.isStatelessReset(other)).toBe(false);
  });
});

describe('the timer table', () => {
  it('reports the earliest deadline and fires expired timers in the fixed order', () => {
    const t = new TimerTable();
    expect(t.earliest()).toBeUndefined();
    t.set('close', 5);
    t.set('idle', 30);
    t.set('ackDelay', 5);
    t.set('lossDetection', Number.POSITIVE_INFINITY); // never: not armed
    expect(t.earliest()).toBe(5);
    expect(t.expired(4)).toEqual([]);
    expect(t.expired(5)).toEqual(['ackDelay', 'close']);
    expect(t.expired(30)).toEqual(['idle', 'ackDelay', 'close']);
    t.set('close', undefined);
    expect(t.expired(30)).toEqual(['idle', 'ackDelay']);
    expect(TIMER_ORDER[0]).toBe('idle');
  });
});
