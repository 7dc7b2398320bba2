import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { requests, type WireServerMessage } from '../contract';
import { EventBus } from '../event-bus';
import { createRequestDispatcher } from '../request-dispatcher';
import { recordingHandlers, sampleState } from '../test-handlers';
import { type ConsoleServer, startConsoleServer } from './console-server';

let server: ConsoleServer;
let root: string;
const events = new EventBus();
const { handlers, calls } = recordingHandlers();

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'bm-console-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(root, 'app.js'), 'console.log(1)');
  writeFileSync(path.join(tmpdir(), 'bm-outside-root.txt'), 'secret');
  server = await startConsoleServer({
    dispatcher: createRequestDispatcher(handlers),
    events,
    rendererRoot: root,
    port: 0,
  });
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: pathAndQuery, method: 'GET', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => `bm_console_${server.port}=${server.token}`;
const ownOrigin = () => `http://127.0.0.1:${server.port}`;

/** Opens a WebSocket and resolves with it once open, or rejects with the HTTP status of the refusal. */
function openSocket(headers: Record<string, string>, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<WireServerMessage> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
}

describe('console server: who may connect', () => {
  it('prints a loopback URL that carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a request without the token with 401', async () => {
    const res = await get('/');
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('<title>');
  });

  it('refuses a wrong token and a wrong cookie with 401', async () => {
    expect((await get('/?token=nope')).status).toBe(401);
    expect((await get(`/?token=${server.token.slice(0, -1)}x`)).status).toBe(401);
    expect((await get('/', { cookie: `bm_console_${server.port}=${'a'.repeat(43)}` })).status).toBe(401);
    // A cookie of another console (another port) is not ours.
    expect((await get('/', { cookie: `bm_console_1=${server.token}` })).status).toBe(401);
  });

  it('exchanges the URL token for an HttpOnly SameSite=Strict cookie and a clean URL', async () => {
    const res = await get(`/?token=${server.token}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain(`bm_console_${server.port}=${server.token}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
  });

  it('serves the UI with the cookie, under a strict CSP', async () => {
    const res = await get('/', { cookie: cookie() });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>t</title>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe');
    expect((await get('/app.js', { cookie: cookie() })).headers['content-type']).toContain('javascript');
  });

  it('refuses a foreign Origin with 403 even with a valid cookie', async () => {
    const res = await get('/', { cookie: cookie(), origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('refuses a Host header that is not the loopback console (DNS rebinding)', async () => {
    const res = await get('/', { cookie: cookie(), host: `evil.example:${server.port}` });
    expect(res.status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const attempt of [
      '/../bm-outside-root.txt',
      '/%2e%2e/bm-outside-root.txt',
      '/..%2fbm-outside-root.txt',
    ]) {
      const res = await get(attempt, { cookie: cookie() });
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('secret');
    }
  });

  it('refuses a WebSocket without the token (401) and from a foreign Origin (403)', async () => {
    await expect(openSocket({ origin: ownOrigin() })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ origin: 'http://evil.example', cookie: cookie() })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ origin: 'null', cookie: cookie() })).rejects.toThrow('HTTP 403');
  });

  it('accepts a WebSocket with the cookie and its own Origin, or with the token in the URL', async () => {
    const a = await openSocket({ origin: ownOrigin(), cookie: cookie() });
    const b = await openSocket({}, `?token=${server.token}`);
    a.close();
    b.close();
  });
});

describe('console server: the contract over the WebSocket', () => {
  it('answers a request and pushes events', async () => {
    const ws = await openSocket({ origin: ownOrigin(), cookie: cookie() });
    ws.send(JSON.stringify({ id: 1, channel: 'state.get', params: {} }));
    expect(await nextMessage(ws)).toEqual({ kind: 'reply', id: 1, result: { ok: true, value: sampleState } });

    const pushed = nextMessage(ws);
    events.emit('helper.statusChanged', {
      state: 'connecting',
      detail: 'Starting.',
      action: 'Wait a moment.',
      helperVersion: null,
    });
    expect(await pushed).toEqual({
      kind: 'event',
      event: 'helper.statusChanged',
      payload: { state: 'connecting', detail: 'Starting.', action: 'Wait a moment.', helperVersion: null },
    });
    ws.close();
  });

  it('answers malformed frames with INVALID_REQUEST and keeps serving', async () => {
    const ws = await openSocket({ origin: ownOrigin(), cookie: cookie() });
    const frames: [string | Buffer, number | null][] = [
      ['not json', null],
      ['[]', null],
      ['{"id":"x","channel":"state.get","params":{}}', null],
      ['{"id":7,"channel":"state.get"}', 7],
      ['{"id":8,"channel":"nope","params":{}}', 8],
      ['{"id":9,"channel":"state.get","params":{"a":1}}', 9],
      [Buffer.from([0, 1, 2]), null],
    ];
    for (const [frame, id] of frames) {
      ws.send(frame, { binary: Buffer.isBuffer(frame) });
      const reply = await nextMessage(ws);
      expect(reply).toMatchObject({ kind: 'reply', id, result: { ok: false, code: 'INVALID_REQUEST' } });
    }
    ws.send(JSON.stringify({ id: 10, channel: 'system.overview', params: {} }));
    expect(await nextMessage(ws)).toMatchObject({ kind: 'reply', id: 10, result: { ok: true } });
    ws.close();
  });

  it('survives 2 000 generated frames: every one answered, nothing invalid reaches a handler', async () => {
    const ws = await openSocket({ origin: ownOrigin(), cookie: cookie() });
    const frame = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({ id: fc.anything(), channel: fc.anything(), params: fc.anything() })
        .map((o) => JSON.stringify(o) ?? 'null'),
      fc
        .record({
          id: fc.nat(),
          channel: fc.constantFrom('state.get', 'system.overview', 'x'),
          params: fc.jsonValue(),
        })
        .map((o) => JSON.stringify(o)),
    );
    const samples = fc.sample(frame, 2000);
    calls.length = 0;
    for (const text of samples) {
      ws.send(text);
      const reply = await nextMessage(ws);
      expect(reply.kind).toBe('reply');
    }
    expect(calls.length).toBeGreaterThan(0); // some generated frames were valid requests
    for (const call of calls) expect(requests[call.channel].params.safeParse(call.params).success).toBe(true);
    ws.close();
  });

  it('closes a connection that sends a frame over the size limit', async () => {
    const ws = await openSocket({ origin: ownOrigin(), cookie: cookie() });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(300 * 1024));
    expect(await closed).toBe(1009);
  });
});
