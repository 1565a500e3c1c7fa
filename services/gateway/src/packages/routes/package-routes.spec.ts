import type { Type } from '@nestjs/common';
import type { RegistryRoute } from '../../http/registry-request';
import { packageRoutes } from '../packages.module';
import { DistTagDeleteRoute, DistTagPutRoute, DistTagsGetRoute, DistTagsPostRoute } from './dist-tags.routes';
import { PackageDeleteRoute, TarballDeleteRoute } from './package-delete.route';
import { PackagePutRoute, PackageRevisionPutRoute } from './package-put.route';
import { PackumentRoute } from './packument.route';
import { SearchRoute } from './search.route';
import { TarballRoute } from './tarball.route';
import { VisibilityRoute } from './visibility.route';

// Patterns are instance fields; the services behind them play no part in matching.
const routes = packageRoutes.map((Route) => new (Route as unknown as new (...args: unknown[]) => RegistryRoute)());

/** The first route that takes the request, as the registry router picks it, and its params. */
function dispatch(method: string, path: string): { route?: Type<RegistryRoute>; params?: Record<string, string> } {
  for (const route of routes) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match) return { route: route.constructor as Type<RegistryRoute>, params: { ...match.groups } };
  }
  return {};
}

describe('package routes', () => {
  it.each([
    ['GET', '/left-pad', PackumentRoute, { name: 'left-pad' }],
    ['GET', '/@s%2fpkg', PackumentRoute, { name: '@s%2fpkg' }],
    ['GET', '/@s%2Fpkg', PackumentRoute, { name: '@s%2Fpkg' }],
    ['GET', '/@s/pkg', PackumentRoute, { name: '@s/pkg' }],
    ['GET', '/@s/pkg/-/pkg-1.0.0.tgz', TarballRoute, { name: '@s/pkg', file: 'pkg-1.0.0.tgz' }],
    ['GET', '/@s%2fpkg/-/pkg-1.0.0.tgz', TarballRoute, { name: '@s%2fpkg', file: 'pkg-1.0.0.tgz' }],
    ['GET', '/left-pad/-/left-pad-1.3.0.tgz', TarballRoute, { name: 'left-pad', file: 'left-pad-1.3.0.tgz' }],
    ['PUT', '/@s%2fpkg', PackagePutRoute, { name: '@s%2fpkg' }],
    ['PUT', '/@s%2fpkg/-rev/3-abc', PackageRevisionPutRoute, { name: '@s%2fpkg', rev: '3-abc' }],
    ['DELETE', '/@s%2fpkg/-rev/3-abc', PackageDeleteRoute, { name: '@s%2fpkg', rev: '3-abc' }],
    ['DELETE', '/@s/pkg/-/pkg-1.0.0.tgz/-rev/4-def', TarballDeleteRoute, { name: '@s/pkg', file: 'pkg-1.0.0.tgz', rev: '4-def' }],
    ['GET', '/-/package/@s%2fpkg/dist-tags', DistTagsGetRoute, { name: '@s%2fpkg' }],
    ['POST', '/-/package/pkg/dist-tags', DistTagsPostRoute, { name: 'pkg' }],
    ['PUT', '/-/package/@s%2fpkg/dist-tags/beta', DistTagPutRoute, { name: '@s%2fpkg', tag: 'beta' }],
    ['DELETE', '/-/package/pkg/dist-tags/beta', DistTagDeleteRoute, { name: 'pkg', tag: 'beta' }],
    ['GET', '/-/package/@s%2fpkg/visibility', VisibilityRoute, { name: '@s%2fpkg' }],
    ['GET', '/-/v1/search', SearchRoute, {}],
  ])('%s %s → %p', (method, path, expected, params) => {
    const found = dispatch(method, path);
    expect(found.route).toBe(expected);
    expect(found.params).toMatchObject(params);
  });

  it('leaves paths of other modules alone', () => {
    expect(dispatch('GET', '/-/whoami').route).toBeUndefined();
    expect(dispatch('GET', '/-/npm/v1/tokens').route).toBeUndefined();
    expect(dispatch('PUT', '/-/user/org.couchdb.user:alice').route).toBeUndefined();
    expect(dispatch('GET', '/@s/pkg/extra').route).toBeUndefined();
  });
});
