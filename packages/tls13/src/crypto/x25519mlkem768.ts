import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { X25519MLKEM768 } from './noble.js';

/**
 * The X25519MLKEM768 hybrid (draft-ietf-tls-ecdhe-mlkem) for every provider: the ML-KEM-768 half (always
 * @noble/post-quantum: Node 20 has no ML-KEM) and the wire layout. Each provider passes its own X25519.
 *
 * - client share: ML-KEM encapsulation key (1184) || X25519 public key (32)
 * - server share: ML-KEM ciphertext (1088) || X25519 public key (32)
 * - shared secret: ML-KEM secret (32) || X25519 secret (32)
 */

/** The client's share and the ML-KEM secret key it keeps. */
export function hybridClientShare(
  random: (out: Uint8Array) => Uint8Array,
  x25519PublicKey: Uint8Array,
): { publicShare: Uint8Array; mlkemSecretKey: Uint8Array } {
  const kem = ml_kem768.keygen(random(new Uint8Array(64)));
  const publicShare = new Uint8Array(X25519MLKEM768.clientShareLength);
  publicShare.set(kem.publicKey, 0);
  publicShare.set(x25519PublicKey, X25519MLKEM768.mlkemPublicKeyLength);
  return { publicShare, mlkemSecretKey: kem.secretKey };
}

/**
 * Server: answers a client share. `x25519` gets the client's X25519 half and returns the server's X25519 public key
 * and the X25519 secret, or undefined if that half is invalid. Undefined for any invalid share.
 */
export function hybridAccept(
  random: (out: Uint8Array) => Uint8Array,
  clientShare: Uint8Array,
  x25519: (peer: Uint8Array) => { publicKey: Uint8Array; shared: Uint8Array } | undefined,
): { publicShare: Uint8Array; sharedSecret: Uint8Array } | undefined {
  if (clientShare.length !== X25519MLKEM768.clientShareLength) return undefined;
  const x = x25519(clientShare.subarray(X25519MLKEM768.mlkemPublicKeyLength));
  if (x === undefined) return undefined;
  let enc: { cipherText: Uint8Array; sharedSecret: Uint8Array };
  try {
    // encapsulate checks the encapsulation key (FIPS 203 §7.2 modulus check) and throws if it fails.
    enc = ml_kem768.encapsulate(clientShare.subarray(0, X25519MLKEM768.mlkemPublicKeyLength), random(new Uint8Array(32)));
  } catch {
    return undefined;
  }
  const publicShare = new Uint8Array(X25519MLKEM768.serverShareLength);
  publicShare.set(enc.cipherText, 0);
  publicShare.set(x.publicKey, X25519MLKEM768.mlkemCiphertextLength);
  return { publicShare, sharedSecret: joinSecrets(enc.sharedSecret, x.shared) };
}

/** Client: the shared secret from the server's share; undefined if it is invalid. */
export function hybridComplete(
  serverShare: Uint8Array,
  mlkemSecretKey: Uint8Array,
  x25519Shared: (peer: Uint8Array) => Uint8Array | undefined,
): Uint8Array | undefined {
  if (serverShare.length !== X25519MLKEM768.serverShareLength) return undefined;
  const xShared = x25519Shared(serverShare.subarray(X25519MLKEM768.mlkemCiphertextLength));
  if (xShared === undefined) return undefined;
  let kemShared: Uint8Array;
  try {
    // ML-KEM decapsulation never fails on a well-sized ciphertext (implicit rejection, FIPS 203 §6.3).
    kemShared = ml_kem768.decapsulate(serverShare.subarray(0, X25519MLKEM768.mlkemCiphertextLength), mlkemSecretKey);
  } catch {
    return undefined;
  }
  return joinSecrets(kemShared, xShared);
}

function joinSecrets(kem: Uint8Array, x: Uint8Array): Uint8Array {
  const out = new Uint8Array(X25519MLKEM768.sharedSecretLength);
  out.set(kem, 0);
  out.set(x, kem.length);
  return out;
}
