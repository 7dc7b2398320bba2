import { describe, expect, it } from 'vitest';
import { base64Check, checkWith, JsonFields } from './json-fields';

describe('JsonFields', () => {
  it('reads present fields, treats missing and null as absent, and ignores unknown fields', () => {
    const fields = new JsonFields(
      { name: 'a', count: 3, on: true, list: ['x'], gone: null, extra: { any: 1 } },
      'f',
      'thing',
    );
    expect(fields.string('name', { required: true })).toBe('a');
    expect(fields.integer('count', { min: 0, max: 3 })).toBe(3);
    expect(fields.boolean('on')).toBe(true);
    expect(fields.strings('list')).toEqual(['x']);
    expect(fields.string('gone')).toBeUndefined();
    expect(fields.integer('missing')).toBeUndefined();
    expect(() => fields.done()).not.toThrow();
  });

  it('reports every problem at once as CORRUPT naming the file, nested fields with their path', () => {
    const fields = new JsonFields(
      { n: 1.5, big: 7, s: 4, list: ['a', 2], hex: 'zz', nested: { k: false } },
      'keys/abc',
      'key file',
    );
    fields.integer('n');
    fields.integer('big', { max: 5 });
    fields.string('s');
    fields.strings('list');
    fields.string('hex', { check: checkWith((v) => /^[0-9a-f]+$/.test(v), 'must be hex') });
    fields.string('required', { required: true });
    fields.object('nested')?.string('k', { required: true });
    fields.object('absent');
    let thrown: unknown;
    try {
      fields.done();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'CORRUPT' });
    const message = (thrown as Error).message;
    expect(message).toMatch(/^keys\/abc: invalid key file \(/);
    for (const part of [
      'n: expected an integer, got number',
      'big: 7 is outside',
      's: expected a string, got number',
      'list: expected a list of strings, got a list',
      'hex: must be hex',
      'required: missing',
      'nested.k: expected a string, got boolean',
      'absent: missing',
    ])
      expect(message).toContain(part);
  });

  it('refuses a value that is not a JSON object', () => {
    for (const value of [null, [], 'x', 3])
      expect(() => new JsonFields(value, 'config', 'config')).toThrow(
        expect.objectContaining({ code: 'CORRUPT', message: 'config: invalid config (not a JSON object)' }),
      );
  });

  it('checks base64', () => {
    expect(base64Check('QUJD')).toBeNull();
    expect(base64Check('QUI=')).toBeNull();
    expect(base64Check('not base64!')).toBe('not base64');
  });
});
