import { routeOf } from './routes';

describe('routeOf', () => {
  it.each([
    ['/left-pad', { kind: 'packument', name: 'left-pad' }],
    ['/left-pad?write=true', { kind: 'packument', name: 'left-pad' }],
    ['/@acme%2futil', { kind: 'packument', name: '@acme/util' }],
    ['/@acme%2Futil', { kind: 'packument', name: '@acme/util' }],
    ['/@acme/util', { kind: 'packument', name: '@acme/util' }],
    ['/left-pad/-/left-pad-1.0.0.tgz', { kind: 'tarball', name: 'left-pad', file: 'left-pad-1.0.0.tgz' }],
    ['/@acme/util/-/util-1.0.0.tgz', { kind: 'tarball', name: '@acme/util', file: 'util-1.0.0.tgz' }],
    ['/@acme%2futil/-/util-1.0.0.tgz', { kind: 'tarball', name: '@acme/util', file: 'util-1.0.0.tgz' }],
    ['/-/npm/v1/keys', { kind: 'keys' }],
    ['/-/ping', { kind: 'ping' }],
    ['/-/whoami', { kind: 'unknown' }],
    ['/', { kind: 'unknown' }],
    ['/left-pad/-/left-pad-1.0.0.tar', { kind: 'unknown' }],
    ['/%E0%A4%A', { kind: 'unknown' }],
  ])('%s', (url, route) => {
    expect(routeOf(url)).toEqual(route);
  });
});
