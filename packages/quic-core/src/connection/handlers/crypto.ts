/**
 * CRYPTO frames and the TLS engine (RFC 9001 §4): reassembling handshake bytes per encryption level for TLS,
 * queueing what TLS writes, installing keys from its secrets, and reacting to handshake completion and to the
 * peer's transport parameters.
 *
 * @module
 */
import { cipherSuiteInfo } from '@qk/tls13';
import { TransportError, TransportErrorCode } from '../../errors.js';
import { decodeTransportParameters, FrameType } from '../../wire/index.js';
import type { CryptoFrame } from '../../wire/index.js';
import type { PacketNumberSpace } from '../../recovery/index.js';
import type { ConnectionCore } from '../core.js';
import { assertNever } from '../events.js';
import { checkPeerConnectionIds } from '../params.js';
import { topUpConnectionIds } from './cids.js';

/**
 * A CRYPTO frame arrived in `space` (RFC 9000 §19.6): reassemble, hand contiguous bytes to TLS, then apply what TLS
 * produced. Data at a level whose keys are gone is ignored.
 *
 * @throws TransportError CRYPTO_BUFFER_EXCEEDED for data too far ahead of what TLS consumed; TlsAlert from TLS
 */
export function onCryptoFrame(c: ConnectionCore, space: PacketNumberSpace, frame: CryptoFrame, now: number): void {
  const sp = c.spaces[space];
  if (sp.discarded) return;
  const end = frame.offset + frame.data.length;
  const rb = sp.cryptoRecv;
  if (end - rb.readOffset > c.config.maxCryptoBuffer) {
    throw new TransportError('CRYPTO_BUFFER_EXCEEDED', `CRYPTO data up to ${end} while TLS has read ${rb.readOffset}`, {
      frameType: FrameType.CRYPTO,
    });
  }
  try {
    rb.insert(frame.offset, frame.data, false, FrameType.CRYPTO);
  } catch (e) {
    // Too many out-of-order fragments is a buffer overflow too (the stream buffer calls it PROTOCOL_VIOLATION).
    if (e instanceof TransportError && e.code === TransportErrorCode.PROTOCOL_VIOLATION) {
      throw new TransportError('CRYPTO_BUFFER_EXCEEDED', e.reason, { frameType: FrameType.CRYPTO });
    }
    throw e;
  }
  let fed = false;
  for (let data = rb.read(); data !== undefined; data = rb.read()) {
    c.tls.handleData(sp.level, data);
    fed = true;
  }
  if (fed) drainTls(c, now);
}

/** Applies every TLS event and queues every TLS output (call after each TLS input). */
export function drainTls(c: ConnectionCore, now: number): void {
  const tls = c.tls;
  for (let e = tls.pollEvent(); e !== undefined; e = tls.pollEvent()) {
    switch (e.kind) {
      case 'secretsDerived': {
        if (e.level === 'zeroRtt') break; // 0-RTT is not implemented yet
        const suite = cipherSuiteInfo(e.cipherSuite);
        if (suite === undefined) throw new TransportError('INTERNAL_ERROR', `unknown cipher suite 0x${e.cipherSuite.toString(16)}`);
        c.installKeys(e.level, e.direction, suite, e.secret);
        break;
      }
      case 'handshakeCompleted':
        onHandshakeCompleted(c, now);
        break;
      case 'peerTransportParametersReceived':
        applyPeerParameters(c, e.parameters, now);
        break;
      case 'earlyDataAccepted':
      case 'earlyDataRejected':
      case 'sessionTicketReceived':
        break; // 0-RTT and resumption events: for the 0-RTT work
      default:
        assertNever(e, 'TLS event');
    }
  }
  for (let out = tls.pollOutput(); out !== undefined; out = tls.pollOutput()) {
    const space = out.level === 'initial' ? 'initial' : out.level === 'handshake' ? 'handshake' : 'application';
    if (out.level === 'zeroRtt') throw new TransportError('INTERNAL_ERROR', 'TLS wrote handshake data at the 0-RTT level');
    const sp = c.spaces[space];
    if (!sp.discarded) sp.cryptoSend.write(out.data);
  }
}

/** TLS reported the handshake complete (RFC 9001 §4.1.1). */
function onHandshakeCompleted(c: ConnectionCore, now: number): void {
  if (c.handshakeComplete) return;
  if (c.peerParams === undefined) {
    throw new TransportError('TRANSPORT_PARAMETER_ERROR', 'handshake completed without the peer transport parameters');
  }
  c.handshakeComplete = true;
  if (c.state === 'handshaking') c.state = 'established';
  c.emit({ kind: 'handshakeCompleted' });
  topUpConnectionIds(c);
  if (c.role === 'server') {
    // The server's handshake is confirmed as soon as it completes (RFC 9001 §4.1.2).
    c.handshakeDonePending = true;
    c.confirmHandshake(now);
  }
}

/** The peer's transport parameters arrived: decode, check against the packets (RFC 9000 §7.3), apply. */
function applyPeerParameters(c: ConnectionCore, bytes: Uint8Array, now: number): void {
  const sender = c.role === 'client' ? 'server' : 'client';
  const p = decodeTransportParameters(bytes.slice(), sender);
  const peerScid = c.peerInitialScid;
  if (peerScid === undefined) throw new TransportError('INTERNAL_ERROR', 'transport parameters before the peer Initial');
  checkPeerConnectionIds(c.role, p, {
    peerInitialSource: peerScid,
    ...(c.role === 'client' ? { originalDestination: c.originalDcid } : {}),
  });
  if (p.greaseQuicBit) {
    // Accepted; we keep setting the fixed bit (RFC 9287 makes clearing it optional).
  }
  c.peerParams = p;
  c.peerAckDelayExponent = p.ackDelayExponent;
  c.recovery.setPeerMaxAckDelay(p.maxAckDelay);
  const mds = c.maxDatagramSize();
  if (mds !== c.recovery.maxDatagramSize) c.recovery.setMaxDatagramSize(mds);
  if (p.statelessResetToken !== undefined) c.peerCids.setInitialToken(p.statelessResetToken);
  const local = c.config.maxIdleTimeout;
  const peer = p.maxIdleTimeout;
  // The minimum of the advertised values, or the one that is non-zero (RFC 9000 §10.1).
  c.idleTimeout = local === 0 ? peer : peer === 0 ? local : Math.min(local, peer);
  c.restartIdleTimer(now);
  c.streams.setPeerLimits({
    initialMaxData: p.initialMaxData,
    initialMaxStreamDataBidiLocal: p.initialMaxStreamDataBidiLocal,
    initialMaxStreamDataBidiRemote: p.initialMaxStreamDataBidiRemote,
    initialMaxStreamDataUni: p.initialMaxStreamDataUni,
    initialMaxStreamsBidi: p.initialMaxStreamsBidi,
    initialMaxStreamsUni: p.initialMaxStreamsUni,
  });
}
