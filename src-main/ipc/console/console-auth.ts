/**
 * Who may talk to the console server. The console serves a privileged UI on a loopback port, which any local
 * process and any web page the user visits can reach; so every request must carry the random token printed at
 * start (in the URL, exchanged on first load for an HttpOnly SameSite=Strict cookie), come with a Host header
 * naming the loopback address (DNS rebinding), and, when a browser says where it comes from, an Origin that is
 * the console itself (cross-site WebSocket hijacking).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type AuthVerdict =
  | {
      ok: true /** Present when the token came in the URL: set this cookie and redirect to a clean URL. */;
      exchange?: { setCookie: string; location: string };
    }
  | { ok: false; status: 401 | 403; reason: string };

export interface ConsoleAuth {
  readonly token: string;
  readonly cookieName: string;
  /** The origins a browser may legitimately send: the console's own. */
  readonly allowedOrigins: readonly string[];
  check(request: { url?: string | undefined; headers: IncomingHttpHeaders }): AuthVerdict;
}

export function generateConsoleToken(): string {
  return randomBytes(32).toString('base64url');
}

export function createConsoleAuth(options: { token: string; port: number }): ConsoleAuth {
  const { token, port } = options;
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = hosts.map((h) => `http://${h}`);
  // Cookies are shared between ports of one host, so two consoles running side by side need distinct names.
  const cookieName = `bm_console_${port}`;
  const expected = Buffer.from(token);
  const matches = (candidate: string | undefined): boolean => {
    if (candidate === undefined) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return {
    token,
    cookieName,
    allowedOrigins,
    check({ url, headers }) {
      const host = headers.host;
      if (host === undefined || !hosts.includes(host.toLowerCase())) {
        return { ok: false, status: 403, reason: 'The Host header does not name this console.' };
      }
      const origin = headers.origin;
      if (origin !== undefined && !allowedOrigins.includes(origin)) {
        return { ok: false, status: 403, reason: 'Requests from other origins are refused.' };
      }
      const parsed = new URL(url ?? '/', `http://${hosts[0]}`);
      const queryToken = parsed.searchParams.get('token') ?? undefined;
      if (matches(queryToken)) {
        parsed.searchParams.delete('token');
        return {
          ok: true,
          exchange: {
            setCookie: `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
            location: `${parsed.pathname}${parsed.search}`,
          },
        };
      }
      if (matches(readCookie(headers.cookie, cookieName))) return { ok: true };
      return {
        ok: false,
        status: 401,
        reason: 'This Backup Manager console needs the token from the URL it printed when it started.',
      };
    },
  };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
