import { fromHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { resolveTransportConfig } from '../../src/connection/config.js';
import { checkPeerConnectionIds, encodeLocalParameters, localTransportParameters } from '../../src/connection/params.js';
import { TransportError, TransportErrorCode } from '../../src/errors.js';
import { DEFAULT_TRANSPORT_PARAMETERS, decodeTransportParameters } from '../../src/wire/index.js';
import type { TransportParameters } from '../../src/wire/index.js';

const A = fromHex('0a0a0a0a0a0a0a0a');
const B = fromHex('0b0b0b0b0b0b0b0b');
const C = fromHex('0c0c0c0c');

function params(extra: Partial<TransportParameters>): TransportParameters {
  return { ...DEFAULT_TRANSPORT_PARAMETERS, initialSourceConnectionId: A, ...extra };
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

describe('our transport parameters', () => {
  it('carry the configuration and round-trip through the codec', () => {
    const cfg = resolveTransportConfig({ maxIdleTimeout: 7_000, initialMaxStreamsBidi: 9, enableDgram: true, activeConnectionIdLimit: 5 });
    const token = new Uint8Array(16).fill(3);
    const p = localTransportParameters(cfg, {
      role: 'server',
      initialSourceConnectionId: A,
      originalDestinationConnectionId: B,
      statelessResetToken: token,
    });
    const back = decodeTransportParameters(encodeLocalParameters(p), 'server');
    expect(back).toMatchObject({
      maxIdleTimeout: 7_000,
      initialMaxStreamsBidi: 9,
      maxDatagramFrameSize: 65535,
      activeConnectionIdLimit: 5,
      maxUdpPayloadSize: 65527,
      initialMaxData: 10_000_000,
    });
    expect(back.initialSourceConnectionId).toEqual(A);
    expect(back.originalDestinationConnectionId).toEqual(B);
    expect(back.statelessResetToken).toEqual(token);
    // A client never sends the server-only parameters, whatever it is given.
    const client = localTransportParameters(cfg, { role: 'client', initialSourceConnectionId: A, originalDestinationConnectionId: B });
    expect(client.originalDestinationConnectionId).toBeUndefined();
    expect(decodeTransportParameters(encodeLocalParameters(client), 'client').initialSourceConnectionId).toEqual(A);
  });
});

describe("the peer's connection IDs in its transport parameters (RFC 9000 §7.3)", () => {
  it('accept matching values', () => {
    expect(code(() => checkPeerConnectionIds('client', params({ originalDestinationConnectionId: B }), { peerInitialSource: A, originalDestination: B }))).toBeUndefined();
    expect(code(() => checkPeerConnectionIds('server', params({}), { peerInitialSource: A }))).toBeUndefined();
  });

  it('reject a mismatch or an absence with TRANSPORT_PARAMETER_ERROR', () => {
    const E = TransportErrorCode.TRANSPORT_PARAMETER_ERROR;
    expect(code(() => checkPeerConnectionIds('server', params({ initialSourceConnectionId: B }), { peerInitialSource: A }))).toBe(E);
    expect(code(() => checkPeerConnectionIds('client', params({}), { peerInitialSource: A, originalDestination: B }))).toBe(E);
    expect(code(() => checkPeerConnectionIds('client', params({ originalDestinationConnectionId: C }), { peerInitialSource: A, originalDestination: B }))).toBe(E);
    // retry_source_connection_id: present without a Retry, absent after one, or different.
    const odcid = { originalDestinationConnectionId: B };
    expect(code(() => checkPeerConnectionIds('client', params({ ...odcid, retrySourceConnectionId: C }), { peerInitialSource: A, originalDestination: B }))).toBe(E);
    expect(code(() => checkPeerConnectionIds('client', params(odcid), { peerInitialSource: A, originalDestination: B, retrySource: C }))).toBe(E);
    expect(code(() => checkPeerConnectionIds('client', params({ ...odcid, retrySourceConnectionId: A }), { peerInitialSource: A, originalDestination: B, retrySource: C }))).toBe(E);
    expect(code(() => checkPeerConnectionIds('client', params({ ...odcid, retrySourceConnectionId: C }), { peerInitialSource: A, originalDestination: B, retrySource: C }))).toBeUndefined();
  });
});
