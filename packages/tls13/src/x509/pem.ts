/**
 * Strict base64 (RFC 4648 §4, standard alphabet, padded, canonical) and PEM blocks (RFC 7468), without Buffer or
 * atob so the module runs in every JavaScript runtime.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Base64 of `bytes`, padded, no line breaks. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}${ALPHABET[(n >> 6) & 63]!}=`;
  }
  return out;
}

function sextet(s: string, i: number): number {
  const c = s.charCodeAt(i);
  const v = c < 128 ? DECODE[c]! : -1;
  if (v < 0) throw new TypeError(`invalid base64 character ${JSON.stringify(s[i])} at offset ${i}`);
  return v;
}

/**
 * Decodes strict base64: the standard alphabet, length a multiple of 4, `=` padding only at the end, and zero
 * padding bits (so every byte string has exactly one accepted encoding). No whitespace. Throws `TypeError`.
 */
export function base64Decode(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new TypeError(`base64 length ${s.length} is not a multiple of 4`);
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  const full = pad ? s.length - 4 : s.length;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const n = (sextet(s, i) << 18) | (sextet(s, i + 1) << 12) | (sextet(s, i + 2) << 6) | sextet(s, i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (pad === 2) {
    const a = sextet(s, full);
    const b = sextet(s, full + 1);
    if (b & 0x0f) throw new TypeError('non-canonical base64: padding bits are not zero');
    out[o] = (a << 2) | (b >> 4);
  } else if (pad === 1) {
    const a = sextet(s, full);
    const b = sextet(s, full + 1);
    const c = sextet(s, full + 2);
    if (c & 0x03) throw new TypeError('non-canonical base64: padding bits are not zero');
    out[o++] = (a << 2) | (b >> 4);
    out[o] = ((b & 0x0f) << 4) | (c >> 2);
  }
  return out;
}

/** One PEM block. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE`, `PRIVATE KEY`, `EC PRIVATE KEY`. */
  readonly label: string;
  /** RFC 1421 headers of legacy blocks (e.g. `Proc-Type: 4,ENCRYPTED`); empty for RFC 7468 blocks. */
  readonly headers: Readonly<Record<string, string>>;
  /** The decoded contents. */
  readonly bytes: Uint8Array;
}

const BEGIN = /^-----BEGIN ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?-----$/;
const END = /^-----END ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?-----$/;

/**
 * Parses every PEM block in `text`, in order. Text outside blocks (explanations in CA bundles) is ignored;
 * inside a block, lines are trimmed and CRLF is accepted. Throws `TypeError` for an unterminated block, a
 * mismatched END label, or bad base64.
 *
 * @example
 * const [block] = decodePem(pem);
 * if (block?.label === 'CERTIFICATE') parseCertificate(block.bytes);
 */
export function decodePem(text: string): PemBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!.trim());
    if (!begin) continue;
    const label = begin[1] ?? '';
    const headers: Record<string, string> = {};
    let body = '';
    let j = i + 1;
    let inHeaders = true;
    for (; j < lines.length; j++) {
      const line = lines[j]!.trim();
      const end = END.exec(line);
      if (end) {
        if ((end[1] ?? '') !== label) throw new TypeError(`PEM block '${label}' ends with END '${end[1] ?? ''}'`);
        break;
      }
      if (line.startsWith('-----')) throw new TypeError(`PEM block '${label}' is not terminated`);
      if (inHeaders) {
        const header = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
        if (header) {
          headers[header[1]!] = header[2]!;
          continue;
        }
        inHeaders = false;
        if (line === '') continue;
      }
      body += line;
    }
    if (j >= lines.length) throw new TypeError(`PEM block '${label}' is not terminated`);
    blocks.push({ label, headers, bytes: base64Decode(body) });
    i = j;
  }
  return blocks;
}

/** Encodes one PEM block: RFC 7468 "strict" form, 64-character lines, a trailing newline. */
export function encodePem(label: string, bytes: Uint8Array): string {
  if (!/^[\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*$/.test(label)) throw new TypeError(`bad PEM label '${label}'`);
  const b64 = base64Encode(bytes);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${label}-----\n`;
}
