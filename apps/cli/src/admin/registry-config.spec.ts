import { nerfDart, parseNpmrc, resolveConnection, tokenFor } from './registry-config';

const files = (contents: Record<string, string>) => async (path: string) => contents[path];

describe('registry and token like npm finds them', () => {
  it('reads .npmrc lines and expands environment variables', () => {
    const npmrc = parseNpmrc('# comment\nregistry=http://r:4873/dev/\n//r:4873/dev/:_authToken=${TOKEN}\nbad line\n', { TOKEN: 'pal_t' });
    expect([...npmrc]).toEqual([
      ['registry', 'http://r:4873/dev/'],
      ['//r:4873/dev/:_authToken', 'pal_t'],
    ]);
  });

  it('picks the token of the longest matching registry path', () => {
    expect(nerfDart('http://r:4873/prod')).toBe('//r:4873/prod/');
    const npmrc = new Map([
      ['//r:4873/:_authToken', 'root'],
      ['//r:4873/dev/:_authToken', 'dev'],
    ]);
    expect(tokenFor('http://r:4873/dev/', npmrc)).toBe('dev');
    expect(tokenFor('http://r:4873/prod/', npmrc)).toBe('root');
    expect(tokenFor('http://other/dev/', npmrc)).toBeUndefined();
  });

  it('prefers flags, then PALISADE_*, then npm config, then the project .npmrc over the user one', async () => {
    const read = files({ '/home/u/.npmrc': 'registry=http://user/\n//user/:_authToken=u\n//proj/dev/:_authToken=p-user', '/proj/.npmrc': 'registry=http://proj/dev/\n//proj/dev/:_authToken=p' });
    const sources = (env: Record<string, string>) => ({ env: { HOME: '/home/u', ...env }, cwd: '/proj', read });
    expect(await resolveConnection({ json: false }, sources({}))).toEqual({ registry: 'http://proj/dev/', token: 'p' });
    expect(await resolveConnection({ json: false }, sources({ npm_config_registry: 'http://user' }))).toEqual({ registry: 'http://user/', token: 'u' });
    expect(await resolveConnection({ json: false }, sources({ PALISADE_REGISTRY: 'http://x/', PALISADE_TOKEN: 'env' }))).toEqual({ registry: 'http://x/', token: 'env' });
    expect(await resolveConnection({ registry: 'http://flag/', token: 'flag', json: false }, sources({ PALISADE_TOKEN: 'env' }))).toEqual({ registry: 'http://flag/', token: 'flag' });
  });

  it('says what is missing', async () => {
    const read = files({});
    await expect(resolveConnection({ json: false }, { env: { HOME: '/h' }, cwd: '/p', read })).rejects.toThrow(/no registry: pass --registry/);
    await expect(resolveConnection({ registry: 'http://r/', json: false }, { env: { HOME: '/h' }, cwd: '/p', read })).rejects.toThrow(/no token for http:\/\/r\/: pass --token/);
  });
});
