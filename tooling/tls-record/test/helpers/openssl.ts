/**
 * `openssl s_server` / `s_client` as child processes for the interop tests: spawned with explicit TLS 1.3
 * options, bounded by timeouts, and always killed.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** The `openssl version` line, or `undefined` when the binary is absent. */
export const opensslVersion: string | undefined = (() => {
  try {
    const r = spawnSync('openssl', ['version'], { encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
})();

/** OpenSSL's names for the TLS 1.3 groups both sides support (OpenSSL 3.0: no ML-KEM). */
export const OPENSSL_GROUP: Readonly<Record<string, string>> = {
  x25519: 'X25519',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
};

/** The tail of a child's output, for assertion messages. */
function tail(s: string): string {
  return s.length > 2000 ? `...${s.slice(-2000)}` : s;
}

/** Waits until `proc` exits, at most `ms`; kills it (SIGKILL) when the time is up. */
export function waitForExit(proc: ChildProcess, ms: number): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
    }, ms);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** A running `openssl s_server`. */
export interface OpensslServer {
  readonly port: number;
  readonly process: ChildProcess;
  /** Types `line` on its stdin (without `-rev`: sent to the client, or a command such as `K` for a KeyUpdate). */
  write(line: string): void;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Kills it and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startOpensslServer}. */
export interface OpensslServerOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** `-ciphersuites` (OpenSSL names, colon-separated). */
  readonly ciphersuites?: string;
  /** `-groups` (OpenSSL names, colon-separated). */
  readonly groups?: string;
  /** `-alpn` (comma-separated protocols). */
  readonly alpn?: string;
  /** `-naccept`: how many connections to serve before exiting (default 1). */
  readonly naccept?: number;
  /** Echo each line reversed (`-rev`, default true); without it, stdin goes to the client and data to stdout. */
  readonly rev?: boolean;
  /** Extra arguments, e.g. `['-Verify', '1', '-CAfile', ca]` for client certificates. */
  readonly extraArgs?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * Starts `openssl s_server -tls1_3` (with `-rev` by default: echoes each line reversed) on an ephemeral loopback
 * port and resolves once it prints the port it accepted on.
 */
export async function startOpensslServer(options: OpensslServerOptions): Promise<OpensslServer> {
  const args = [
    's_server', '-accept', '127.0.0.1:0', '-tls1_3', '-naccept', String(options.naccept ?? 1),
    '-cert', options.certFile, '-key', options.keyFile,
  ];
  if (options.rev ?? true) args.push('-rev');
  if (options.ciphersuites) args.push('-ciphersuites', options.ciphersuites);
  if (options.groups) args.push('-groups', options.groups);
  if (options.alpn) args.push('-alpn', options.alpn);
  args.push(...(options.extraArgs ?? []));
  const proc = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await waitForExit(proc, 3000);
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s_server did not start:\n${tail(out)}`)), timeoutMs);
      const check = (): void => {
        const m = /ACCEPT\s+\S*:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      proc.stdout.on('data', check);
      proc.stderr.on('data', check);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s_server exited with ${code}:\n${tail(out)}`));
      });
    });
    proc.stdin.on('error', () => undefined);
    return { port, process: proc, write: (line) => proc.stdin.write(line), output: () => out, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Options of {@link runOpensslClient}. */
export interface OpensslClientOptions {
  readonly port: number;
  readonly caFile?: string;
  readonly serverName?: string;
  readonly ciphersuites?: string;
  readonly groups?: string;
  readonly alpn?: string;
  /** `-sess_out`: where to save the session (tickets). */
  readonly sessOut?: string;
  /** `-sess_in`: a saved session to resume. */
  readonly sessIn?: string;
  /** A line to send; the client waits until `expect` appears in its output, then closes stdin. */
  readonly send: string;
  /** Text to wait for on stdout before closing (the echo). */
  readonly expect: string;
  readonly extraArgs?: readonly string[];
  readonly timeoutMs?: number;
}

/** What an `s_client` run printed. */
export interface OpensslClientResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `openssl s_client -tls1_3` against `127.0.0.1:port`, sends one line, waits for the expected echo, then
 * closes stdin (s_client sends close_notify and exits). Killed if it runs past the timeout.
 */
export async function runOpensslClient(options: OpensslClientOptions): Promise<OpensslClientResult> {
  const args = ['s_client', '-connect', `127.0.0.1:${options.port}`, '-tls1_3', '-verify_return_error'];
  if (options.caFile) args.push('-CAfile', options.caFile);
  if (options.serverName) args.push('-servername', options.serverName);
  else args.push('-noservername');
  if (options.ciphersuites) args.push('-ciphersuites', options.ciphersuites);
  if (options.groups) args.push('-groups', options.groups);
  if (options.alpn) args.push('-alpn', options.alpn);
  if (options.sessOut) args.push('-sess_out', options.sessOut);
  if (options.sessIn) args.push('-sess_in', options.sessIn);
  args.push(...(options.extraArgs ?? []));
  const proc = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const done = (): boolean => stdout.includes(options.expect);
  let closedStdin = false;
  const closeStdin = (): void => {
    if (!closedStdin) {
      closedStdin = true;
      proc.stdin.end();
    }
  };
  proc.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    if (done()) closeStdin();
  });
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  proc.stdin.on('error', () => undefined); // s_client may exit first on a failed handshake
  proc.stdin.write(options.send);
  const code = await waitForExit(proc, timeoutMs);
  closeStdin();
  return { code, stdout, stderr };
}
