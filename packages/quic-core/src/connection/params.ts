/**
 * Our transport parameters, built from the configuration (RFC 9000 §18.2), and the connection-state checks on the
 * peer's (RFC 9000 §7.3: the connection IDs they name must match the ones the packets carried).
 *
 * @module
 */
import { Writer, equal, toHex } from '@qk/octets';
import { TransportError } from '../errors.js';
import { DEFAULT_TRANSPORT_PARAMETERS, encodeTransportParameters } from '../wire/index.js';
import type { TransportParameters } from '../wire/index.js';
import type { ResolvedTransportConfig } from './config.js';

/** What our transport parameters depend on besides the configuration. */
export interface LocalParameterInputs {
  readonly role: 'client' | 'server';
  /** The Source Connection ID of our first Initial. */
  readonly initialSourceConnectionId: Uint8Array;
  /** Server: the Destination Connection ID of the client's first Initial. */
  readonly originalDestinationConnectionId?: Uint8Array;
  /** Server after a Retry: the Source Connection ID of the Retry. */
  readonly retrySourceConnectionId?: Uint8Array;
  /** Server: the stateless reset token of its handshake connection ID (when not zero-length). */
  readonly statelessResetToken?: Uint8Array;
}

/** Our transport parameters. */
export function localTransportParameters(c: ResolvedTransportConfig, inputs: LocalParameterInputs): TransportParameters {
  const server = inputs.role === 'server';
  return {
    ...DEFAULT_TRANSPORT_PARAMETERS,
    maxIdleTimeout: c.maxIdleTimeout,
    maxUdpPayloadSize: c.maxRecvUdpPayloadSize,
    initialMaxData: c.initialMaxData,
    initialMaxStreamDataBidiLocal: c.initialMaxStreamDataBidiLocal,
    initialMaxStreamDataBidiRemote: c.initialMaxStreamDataBidiRemote,
    initialMaxStreamDataUni: c.initialMaxStreamDataUni,
    initialMaxStreamsBidi: c.initialMaxStreamsBidi,
    initialMaxStreamsUni: c.initialMaxStreamsUni,
    ackDelayExponent: c.ackDelayExponent,
    maxAckDelay: c.maxAckDelay,
    disableActiveMigration: c.disableActiveMigration,
    activeConnectionIdLimit: c.activeConnectionIdLimit,
    initialSourceConnectionId: inputs.initialSourceConnectionId,
    maxDatagramFrameSize: c.enableDgram ? c.maxDatagramFrameSize : 0,
    ...(server && inputs.originalDestinationConnectionId !== undefined
      ? { originalDestinationConnectionId: inputs.originalDestinationConnectionId }
      : {}),
    ...(server && inputs.retrySourceConnectionId !== undefined ? { retrySourceConnectionId: inputs.retrySourceConnectionId } : {}),
    ...(server && inputs.statelessResetToken !== undefined ? { statelessResetToken: inputs.statelessResetToken } : {}),
  };
}

/** The quic_transport_parameters extension body for `params`. */
export function encodeLocalParameters(params: TransportParameters): Uint8Array {
  const w = new Writer(256);
  encodeTransportParameters(w, params);
  return w.finish().slice();
}

/** The connection IDs the peer's transport parameters must match (RFC 9000 §7.3). */
export interface ExpectedConnectionIds {
  /** The Source Connection ID of the peer's Initial packets. */
  readonly peerInitialSource: Uint8Array;
  /** Client only: the Destination Connection ID of our first Initial. */
  readonly originalDestination?: Uint8Array;
  /** Client only: the Source Connection ID of the Retry we received, if any. */
  readonly retrySource?: Uint8Array;
}

function mismatch(name: string, got: Uint8Array | undefined, want: Uint8Array | undefined): TransportError {
  const show = (b: Uint8Array | undefined): string => (b === undefined ? 'absent' : `'${toHex(b)}'`);
  return new TransportError('TRANSPORT_PARAMETER_ERROR', `${name} is ${show(got)}, expected ${show(want)}`);
}

/**
 * Checks the connection IDs in the peer's transport parameters against the packets (RFC 9000 §7.3).
 *
 * @throws TransportError TRANSPORT_PARAMETER_ERROR on any mismatch, absence or unexpected presence
 */
export function checkPeerConnectionIds(
  role: 'client' | 'server',
  peer: TransportParameters,
  expected: ExpectedConnectionIds,
): void {
  const isid = peer.initialSourceConnectionId;
  if (isid === undefined || !equal(isid, expected.peerInitialSource)) {
    throw mismatch('initial_source_connection_id', isid, expected.peerInitialSource);
  }
  if (role === 'server') return;
  const odcid = peer.originalDestinationConnectionId;
  if (odcid === undefined || expected.originalDestination === undefined || !equal(odcid, expected.originalDestination)) {
    throw mismatch('original_destination_connection_id', odcid, expected.originalDestination);
  }
  const rscid = peer.retrySourceConnectionId;
  const want = expected.retrySource;
  if ((rscid === undefined) !== (want === undefined) || (rscid !== undefined && want !== undefined && !equal(rscid, want))) {
    throw mismatch('retry_source_connection_id', rscid, want);
  }
}
