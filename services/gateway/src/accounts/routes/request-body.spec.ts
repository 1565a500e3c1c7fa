import { RegistryHttpError } from '../../http/registry-errors';
import { decodeSegment, formFields, jsonObject, stringField } from './request-body';

describe('request bodies', () => {
  it('accepts only JSON objects', () => {
    expect(jsonObject({ a: 1 })).toEqual({ a: 1 });
    for (const body of [undefined, null, 'x', [1], Buffer.from('{}')]) expect(() => jsonObject(body)).toThrow(RegistryHttpError);
    expect(stringField({ a: 'x', b: 1 }, 'a')).toBe('x');
    expect(stringField({ a: 'x', b: 1 }, 'b')).toBeUndefined();
  });

  it('decodes path segments or answers 400', () => {
    expect(decodeSegment('a%40b', 'name')).toBe('a@b');
    expect(() => decodeSegment('%E0%A4%A', 'name')).toThrow('bad request: malformed name in the URL');
  });

  it('reads form fields from a parsed object or a raw body', () => {
    const parsed = Object.assign(Object.create(null) as object, { username: 'alice', password: ['a', 'b'], n: 1 });
    expect(formFields(parsed)).toEqual({ username: 'alice', password: 'a' });
    expect(formFields('username=al%20ice&password=p%26w')).toEqual({ username: 'al ice', password: 'p&w' });
    expect(formFields(Buffer.from('a=1'))).toEqual({ a: '1' });
    expect(formFields(undefined)).toEqual({});
  });
});
