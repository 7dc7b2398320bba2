/**
 * Console transport: the same contract as the Electron window, over HTTP + a WebSocket on 127.0.0.1 only.
 * Serves the built renderer and carries requests/replies and pushed events as JSON text frames.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { maxWireFrameBytes, type WireReply, WireRequestSchema, type WireServerMessage } from '../contract';
import type { EventBus } from '../event-bus';
import type { RequestDispatcher } from '../request-dispatcher';
import { type ConsoleAuth, createConsoleAuth, generateConsoleToken } from './console-auth';
import { securityHeaders, sendText, serveStaticFile } from './static-files';

export interface ConsoleServerOptions {
  dispatcher: RequestDispatcher;
  events: EventBus;
  /** Folder holding the built renderer (index.html and assets). */
  rendererRoot: string;
  /** 0 = any free port. */
  port: number;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
  log?: (line: string) => void;
}

export interface ConsoleServer {
  readonly port: number;
  readonly token: string;
  /** The URL to open, token included. */
  readonly url: string;
  close(): Promise<void>;
}

export const websocketPath = '/ws';

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const log = options.log ?? (() => undefined);
  const token = options.token ?? generateConsoleToken();
  // The auth needs the real port, which is only known after listen(); requests cannot arrive before that.
  let auth: ConsoleAuth | null = null;

  const http: Server = createServer((req, res) => {
    if (auth === null) return sendText(res, 503, 'Starting.');
    const verdict = auth.check(req);
    if (!verdict.ok) {
      log(`refused ${req.method} ${redactToken(req.url)}: ${verdict.status} ${verdict.reason}`);
      return sendText(res, verdict.status, `${verdict.status}: ${verdict.reason}`);
    }
    if (verdict.exchange) {
      res.writeHead(302, {
        ...securityHeaders,
        'Set-Cookie': verdict.exchange.setCookie,
        Location: verdict.exchange.location,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    serveStaticFile(options.rendererRoot, req, res).catch((error: unknown) => {
      log(`static file error: ${String(error)}`);
      if (!res.headersSent) sendText(res, 500, 'Internal error.');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxWireFrameBytes });
  const clients = new Set<WebSocket>();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://console.invalid').pathname;
    const verdict = auth?.check(req) ?? { ok: false as const, status: 401 as const, reason: 'Starting.' };
    if (path !== websocketPath || !verdict.ok) {
      const status = verdict.ok ? 404 : verdict.status;
      const reason = verdict.ok ? 'No WebSocket here.' : verdict.reason;
      log(`refused WebSocket ${redactToken(req.url)}: ${status} ${reason}`);
      socket.end(
        `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 401 ? 'Unauthorized' : 'Forbidden'}\r\n` +
          `Content-Type: text/plain\r\nConnection: close\r\n\r\n${reason}\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', (error) => log(`WebSocket error: ${error.message}`));
      ws.on('message', (data, isBinary) => {
        handleFrame(data, isBinary).then(
          (reply) => send(ws, reply),
          (error: unknown) => log(`request failed unexpectedly: ${String(error)}`),
        );
      });
    });
  });

  const handleFrame = async (data: RawData, isBinary: boolean): Promise<WireReply> => {
    if (isBinary) return malformed(null, 'Binary frames are not part of the contract.');
    let message: unknown;
    try {
      message = JSON.parse(rawToString(data));
    } catch {
      return malformed(null, 'The frame is not JSON.');
    }
    const parsed = WireRequestSchema.safeParse(message);
    if (!parsed.success) return malformed(idOf(message), 'The frame is not a {id, channel, params} request.');
    const { id, channel, params } = parsed.data;
    return { kind: 'reply', id, result: await options.dispatcher.dispatch(channel, params) };
  };

  const unsubscribe = options.events.onAny((event, payload) => {
    for (const ws of clients) send(ws, { kind: 'event', event, payload });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    // Loopback only, whatever the caller asks: the console is never exposed on the network.
    http.listen(options.port, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  auth = createConsoleAuth({ token, port });

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}

function send(ws: WebSocket, message: WireServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function malformed(id: number | null, message: string): WireReply {
  return { kind: 'reply', id, result: { ok: false, code: 'INVALID_REQUEST', message } };
}

/** Echo the id back when a malformed frame still carried a usable one, so the client can fail that call. */
function idOf(message: unknown): number | null {
  if (typeof message !== 'object' || message === null || !('id' in message)) return null;
  const id = (message as { id: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Never write the token to a log. */
function redactToken(url: string | undefined): string {
  return (url ?? '/').replace(/([?&]token=)[^&]*/g, '$1…');
}
