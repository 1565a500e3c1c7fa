import { originOf } from './profile-summary';

describe('originOf', () => {
  it('names the npm package a function comes from, scoped or not, nested or not', () => {
    expect(originOf('file:///repo/node_modules/fastify/lib/reply.js', 'send')).toBe('fastify');
    expect(originOf('file:///repo/node_modules/@nestjs/core/router.js', 'x')).toBe('@nestjs/core');
    expect(originOf('file:///repo/node_modules/a/node_modules/pg/lib/client.js', 'query')).toBe('pg');
  });

  it("tells Palisade's code, Node's internals and V8's own entries apart", () => {
    expect(originOf('file:///repo/services/gateway/src/http/registry-router.ts', 'dispatch')).toBe('palisade');
    expect(originOf('node:internal/streams/writable', 'write')).toBe('node internals');
    expect(originOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(originOf('', '(program)')).toBe('(program)');
    expect(originOf('', 'writev')).toBe('(writev)');
  });
});
