/**
 * Server identity checks (RFC 9525, which obsoletes RFC 6125): a DNS name matches a subjectAltName dNSName,
 * an IP literal matches an iPAddress SAN. No Common Name fallback; ASCII case-insensitive; a wildcard only as the
 * complete leftmost label, matching exactly one label, never an IP literal; IDNs compared as given (A-labels).
 */
import { equal } from '@qk/octets';
import type { Certificate } from './certificate.js';
import { parseIp } from './ip.js';

/** Lowercases ASCII letters only (A-labels are ASCII; other characters are compared as given). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** Strips one trailing dot (an absolute name) and lowercases ASCII. */
function normalizeDns(s: string): string {
  return asciiLower(s.endsWith('.') ? s.slice(0, -1) : s);
}

/**
 * True when the DNS `pattern` of a certificate matches `host` (both normalized here). A wildcard pattern
 * `*.example.com` matches `a.example.com`, not `example.com` nor `a.b.example.com`; the wildcard must be the
 * whole leftmost label and at least two labels must follow it.
 */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normalizeDns(pattern);
  const h = normalizeDns(host);
  if (p.length === 0 || h.length === 0) return false;
  if (!p.startsWith('*.')) return !p.includes('*') && p === h;
  const rest = p.slice(2);
  if (rest.includes('*') || !rest.includes('.') || rest.startsWith('.') || rest.endsWith('.')) return false;
  const dot = h.indexOf('.');
  if (dot <= 0) return false;
  if (parseIp(h)) return false;
  return h.slice(dot + 1) === rest;
}

/** Why a name did not match, or `undefined` when it did. */
export function serverNameMismatch(cert: Certificate, serverName: string): string | undefined {
  const sans = cert.extensions.subjectAltNames ?? [];
  const ip = parseIp(serverName);
  if (ip) {
    for (const san of sans) if (san.kind === 'ip' && equal(san.bytes, ip)) return undefined;
    const ips = sans.filter((s) => s.kind === 'ip').map((s) => s.value);
    return `IP address ${serverName} is not in the certificate's subjectAltName (${ips.length ? ips.join(', ') : 'no iPAddress entries'})`;
  }
  for (const san of sans) if (san.kind === 'dns' && dnsNameMatches(san.value, serverName)) return undefined;
  const dns = sans.filter((s) => s.kind === 'dns').map((s) => s.value);
  if (!cert.extensions.subjectAltNames) {
    return `certificate has no subjectAltName extension, so it cannot match '${serverName}' (no Common Name fallback, RFC 9525 §6.3)`;
  }
  return `'${serverName}' does not match the certificate's DNS names (${dns.length ? dns.join(', ') : 'none'})`;
}

/** True when `cert` is valid for `serverName` (a DNS name or an IPv4/IPv6 literal). */
export function matchesServerName(cert: Certificate, serverName: string): boolean {
  return serverNameMismatch(cert, serverName) === undefined;
}
