import { routeLabelOf } from './route-metrics';
import type { RegistryRoute } from './registry-request';

class DistTagPutRoute {}
class TarballRoute {}
class NpmAttestationsRoute {}

describe('routeLabelOf', () => {
  it('names a route by its class, without "Route", in kebab case', () => {
    const label = (route: object) => routeLabelOf(route as RegistryRoute);
    expect(label(new DistTagPutRoute())).toBe('dist-tag-put');
    expect(label(new TarballRoute())).toBe('tarball');
    expect(label(new NpmAttestationsRoute())).toBe('npm-attestations');
  });
});
