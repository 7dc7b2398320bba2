import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodeSchema, type RequestChannel, type RequestHandlers, requests } from './contract';
import { AppError, createRequestDispatcher } from './request-dispatcher';
import { recordingHandlers, sampleOverview } from './test-handlers';

const channels = Object.keys(requests) as RequestChannel[];

/** Every result must be a well-formed Result: ok with a value, or an error with a contract code and a message. */
function expectWellFormed(result: unknown): void {
  expect(result).toBeTypeOf('object');
  const r = result as { ok: unknown; code?: unknown; message?: unknown };
  expect(typeof r.ok).toBe('boolean');
  if (r.ok === false) {
    expect(ErrorCodeSchema.safeParse(r.code).success).toBe(true);
    expect(typeof r.message).toBe('string');
  }
}

describe('request dispatcher', () => {
  it('routes valid params to the handler and returns its result', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatcher = createRequestDispatcher(handlers);
    expect(await dispatcher.dispatch('system.overview', { refresh: true })).toEqual({
      ok: true,
      value: sampleOverview,
    });
    expect(calls).toEqual([{ channel: 'system.overview', params: { refresh: true } }]);
  });

  const malformed: [string, unknown, unknown][] = [
    ['unknown channel', 'system.reboot', {}],
    ['prototype key as channel', '__proto__', {}],
    ['inherited method as channel', 'toString', {}],
    ['constructor as channel', 'constructor', {}],
    ['non-string channel', 42, {}],
    ['null channel', null, {}],
    ['object channel', { channel: 'state.get' }, {}],
    ['undefined params', 'state.get', undefined],
    ['null params', 'state.get', null],
    ['array params', 'state.get', []],
    ['string params', 'state.get', '{}'],
    ['number params', 'state.get', 1],
    ['extra key', 'state.get', { extra: 1 }],
    ['wrong type', 'system.overview', { refresh: 'yes' }],
    ['proto pollution attempt', 'system.overview', JSON.parse('{"__proto__":{"refresh":true},"refresh":1}')],
    ['nested junk', 'system.overview', { refresh: [true] }],
  ];
  for (const [name, channel, params] of malformed) {
    it(`refuses ${name} with INVALID_REQUEST before any handler runs`, async () => {
      const { handlers, calls } = recordingHandlers();
      const result = await createRequestDispatcher(handlers).dispatch(channel, params);
      expect(result.ok).toBe(false);
      expect(result).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
      expect(calls).toEqual([]);
    });
  }

  it('turns an AppError into its code and an unknown throw into INTERNAL', async () => {
    const { handlers } = recordingHandlers();
    const reported: string[] = [];
    const dispatcher = createRequestDispatcher(
      {
        ...handlers,
        'state.get': async () => {
          throw new AppError('OVERVIEW_FAILED', 'probe failed');
        },
        'system.overview': async () => {
          throw new TypeError('boom');
        },
      },
      { onInternalError: (channel) => reported.push(channel) },
    );
    expect(await dispatcher.dispatch('state.get', {})).toEqual({
      ok: false,
      code: 'OVERVIEW_FAILED',
      message: 'probe failed',
    });
    expect(await dispatcher.dispatch('system.overview', {})).toEqual({
      ok: false,
      code: 'INTERNAL',
      message: 'system.overview failed: boom',
    });
    expect(reported).toEqual(['system.overview']);
  });

  it('refuses to pass on a handler result that breaks the contract', async () => {
    const { handlers } = recordingHandlers();
    const broken = {
      ...handlers,
      'system.overview': async () => ({ hostname: 7 }),
    } as unknown as RequestHandlers;
    const result = await createRequestDispatcher(broken).dispatch('system.overview', {});
    expect(result).toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  // Payloads of every shape: arbitrary values (including null-prototype and `__proto__`-keyed objects), JSON
  // text parsed the way a transport would, and near-misses built from each channel's valid shape.
  const anyPayload = fc.oneof(
    fc.anything({
      withNullPrototype: true,
      withObjectString: true,
      withBigInt: true,
      withDate: true,
      withMap: true,
    }),
    fc.json().map((text) => JSON.parse(text) as unknown),
    fc.dictionary(fc.constantFrom('refresh', '__proto__', 'constructor', 'extra', ''), fc.anything()),
    fc.record({ refresh: fc.anything() }),
  );

  for (const channel of channels) {
    it(`survives 10 000 generated payloads on ${channel}; only schema-valid params reach the handler`, async () => {
      const { handlers, calls } = recordingHandlers();
      const dispatcher = createRequestDispatcher(handlers);
      const schema = requests[channel].params;
      await fc.assert(
        fc.asyncProperty(anyPayload, async (payload) => {
          calls.length = 0;
          const result = await dispatcher.dispatch(channel, payload);
          expectWellFormed(result);
          const valid = schema.safeParse(payload).success;
          expect(result.ok).toBe(valid);
          for (const call of calls) expect(schema.safeParse(call.params).success).toBe(true);
          expect(calls.length).toBe(valid ? 1 : 0);
        }),
        { numRuns: 10_000 },
      );
    });
  }

  it('survives 10 000 generated channel names; none reaches a handler', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatcher = createRequestDispatcher(handlers);
    const notAChannel = fc
      .oneof(
        fc.string(),
        fc.anything(),
        fc.constantFrom('__proto__', 'hasOwnProperty', 'valueOf', 'state.get '),
      )
      .filter((c) => !(typeof c === 'string' && (channels as string[]).includes(c)));
    await fc.assert(
      fc.asyncProperty(notAChannel, anyPayload, async (channel, payload) => {
        const result = await dispatcher.dispatch(channel, payload);
        expect(result).toMatchObject({ ok: false, code: 'INVALID_REQUEST' });
      }),
      { numRuns: 10_000 },
    );
    expect(calls).toEqual([]);
  });
});
