/**
 * Serves the built renderer (out/renderer) to the console's browser. Only files under the root, only GET/HEAD,
 * with the same strict Content-Security-Policy the Electron window uses.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The console's CSP: nothing inline, nothing remote; WebSocket back to this origin only. */
export const consoleContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': consoleContentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function serveStaticFile(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendText(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
  }
  const resolved = resolveInsideRoot(root, req.url ?? '/');
  if (resolved === null) return sendText(res, 404, 'Not found.');
  let size: number;
  try {
    const info = await stat(resolved);
    if (!info.isFile()) return sendText(res, 404, 'Not found.');
    size = info.size;
  } catch {
    return sendText(res, 404, 'Not found.');
  }
  const type = contentTypes[path.extname(resolved).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    ...securityHeaders,
    'Content-Type': type,
    'Content-Length': String(size),
    // The HTML carries no secrets but must never be served stale after a rebuild; hashed assets may be cached.
    'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'private, max-age=3600',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(resolved)
    .on('error', (error) => res.destroy(error))
    .pipe(res);
}

/** Maps a URL path to a file under `root`, or null when it would leave the root or is not a plain path. */
export function resolveInsideRoot(root: string, url: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://console.invalid').pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const absoluteRoot = path.resolve(root);
  const resolved = path.resolve(absoluteRoot, relative);
  if (resolved !== absoluteRoot && !resolved.startsWith(absoluteRoot + path.sep)) return null;
  return resolved;
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...securityHeaders,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(`${text}\n`);
}
