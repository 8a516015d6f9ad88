import { fromHex, toHex } from '@qk/octets';
import { TlsAlert } from '@qk/tls13';
import { describe, expect, it } from 'vitest';
import { ContentType, RecordDeframer, encodePlaintextRecord } from '../src/record.js';
import { RecordLayer } from '../src/record-layer.js';
import { RecordProtection } from '../src/protection.js';
import { cipherSuiteInfo, nobleProvider, trafficKeys } from '../src/tls13.js';
import vectors from './vectors/rfc8448-records.json' with { type: 'json' };

interface ProtectedVector {
  name: string;
  source: string;
  aead: 'aes-128-gcm';
  cipherSuite: number;
  trafficSecret: string;
  key: string;
  iv: string;
  seq: number;
  contentType: number;
  content: string;
  messages?: string[];
  record: string;
}

const protectedVectors = vectors.protected as ProtectedVector[];

function protection(v: ProtectedVector, seq = v.seq): RecordProtection {
  return new RecordProtection(nobleProvider.aead(v.aead, fromHex(v.key)), fromHex(v.iv), seq);
}

/** Splits a run of handshake messages (type + u24 length + body) into messages. */
function splitMessages(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const len = (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
    out.push(toHex(bytes.subarray(at, at + 4 + len)));
    at += 4 + len;
  }
  return out;
}

describe('RFC 8448 §3 protected records', () => {
  for (const v of protectedVectors) {
    it(`${v.name} (${v.source}): opens to the trace's bytes`, () => {
      expect(v.source).toMatch(/^RFC 8448 §3/);
      const record = fromHex(v.record);
      const p = protection(v);
      const opened = p.open(record.subarray(0, 5), record.subarray(5));
      expect(opened.contentType).toBe(v.contentType);
      expect(toHex(opened.content)).toBe(v.content);
      if (v.messages) expect(splitMessages(opened.content)).toEqual(v.messages);
      expect(p.sequenceNumber).toBe(v.seq + 1);
    });

    it(`${v.name}: the key and IV are trafficKeys() of the trace's traffic secret`, () => {
      const k = trafficKeys(nobleProvider, fromHex(v.trafficSecret), cipherSuiteInfo(v.cipherSuite)!);
      expect(toHex(k.key)).toBe(v.key);
      expect(toHex(k.iv)).toBe(v.iv);
    });

    it(`${v.name}: sealing the trace's content gives the trace's record`, () => {
      const p = protection(v);
      expect(toHex(p.seal(v.contentType, fromHex(v.content)))).toBe(v.record);
      expect(p.sequenceNumber).toBe(v.seq + 1);
    });

    it(`${v.name}: does not open at another sequence number, or tampered`, () => {
      const record = fromHex(v.record);
      for (const seq of [v.seq + 1, v.seq + 256, 2 ** 32 + v.seq]) {
        expect(() => protection(v, seq).open(record.subarray(0, 5), record.subarray(5))).toThrow(/bad_record_mac/);
      }
      for (const at of [0, 3, 5, record.length - 1]) {
        const bad = record.slice();
        bad[at]! ^= 0x01;
        const p = protection(v);
        expect(() => p.open(bad.subarray(0, 5), bad.subarray(5))).toThrow(TlsAlert);
        expect(p.sequenceNumber).toBe(v.seq); // a failed record consumes no sequence number
      }
    });
  }

  it('the record layer reads the server flight, NewSessionTicket, application data and close_notify in order', () => {
    const byName = new Map(protectedVectors.map((v) => [v.name, v]));
    const flight = byName.get('server handshake flight (EncryptedExtensions, Certificate, CertificateVerify, Finished)')!;
    const nst = byName.get('server NewSessionTicket')!;
    const app = byName.get('server application_data')!;
    const alert = byName.get('server close_notify alert')!;
    const client = new RecordLayer({ role: 'client' });
    const serverHello = vectors.plaintext[1]!;
    // The server's whole output, delivered one byte at a time, with the trace's key changes between records.
    const wire = fromHex(serverHello.record + flight.record + nst.record + app.record + alert.record);
    const got: string[] = [];
    for (let i = 0; i < wire.length; i++) {
      client.push(wire.subarray(i, i + 1));
      for (let r = client.nextRecord(); r !== undefined; r = client.nextRecord()) {
        if (r.kind === 'handshake' || r.kind === 'applicationData') got.push(`${r.kind}@${r.epoch}:${toHex(r.data)}`);
        else if (r.kind === 'alert') got.push(`alert:${r.level}.${r.description}`);
        else got.push(r.kind);
        if (got.length === 1) client.setReadProtection('handshake', protection(flight, 0));
        if (got.length === 2) client.setReadProtection('oneRtt', protection(nst, 0));
      }
    }
    expect(got).toEqual([
      `handshake@initial:${serverHello.content}`,
      `handshake@handshake:${flight.content}`,
      `handshake@oneRtt:${nst.content}`,
      `applicationData@oneRtt:${app.content}`,
      'alert:1.0',
    ]);
    expect(client.closed).toBe(true);
  });

  it('the record layer writes the client side of the trace byte for byte', () => {
    const byName = new Map(protectedVectors.map((v) => [v.name, v]));
    const fin = byName.get('client Finished')!;
    const app = byName.get('client application_data')!;
    const alert = byName.get('client close_notify alert')!;
    const clientHello = vectors.plaintext[0]!;
    const layer = new RecordLayer({ role: 'client' });
    layer.writeHandshake('initial', fromHex(clientHello.content));
    expect(toHex(layer.pollTransmit()!)).toBe(clientHello.record);
    layer.setWriteProtection('handshake', protection(fin, 0));
    layer.writeHandshake('handshake', fromHex(fin.content));
    layer.setWriteProtection('oneRtt', protection(app, 0));
    layer.writeApplicationData(fromHex(app.content));
    layer.writeAlert('oneRtt', 0);
    expect(toHex(layer.pollTransmit()!)).toBe(fin.record + app.record + alert.record);
    expect(layer.pollTransmit()).toBeUndefined();
  });

  it('plaintext records of the trace frame exactly', () => {
    for (const v of vectors.plaintext) {
      expect(v.source).toMatch(/^RFC 8448 §3/);
      const rec = encodePlaintextRecord(v.contentType, fromHex(v.content), Number.parseInt(v.legacyRecordVersion, 16));
      expect(toHex(rec)).toBe(v.record);
      const d = new RecordDeframer();
      d.push(rec);
      const got = d.next()!;
      expect(got.header).toEqual({
        contentType: ContentType.handshake,
        legacyRecordVersion: Number.parseInt(v.legacyRecordVersion, 16),
        length: v.content.length / 2,
      });
      expect(toHex(got.fragment)).toBe(v.content);
    }
  });
});
