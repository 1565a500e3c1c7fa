import { defaultPolicyYaml } from './default-policy';
import { onDemandViews } from './on-demand-views';
import { parsePolicy } from './parse-policy';

const VIEWS = ['dev', 'staging', 'prod'];

describe('onDemandViews', () => {
  it('lists dev and staging of the built-in policy, not prod with its 72 h upstream cooldown', () => {
    expect(onDemandViews(parsePolicy(defaultPolicyYaml(VIEWS), VIEWS), VIEWS)).toEqual(['dev', 'staging']);
  });

  it('stops at the first view that waits for age, approvals or a request: later views follow it', () => {
    const yaml = ['teams: { release: [] }', 'views:', '  dev: { admit: automatic, minimumAge: 1h }', '  staging: { admit: automatic }', '  prod: { admit: automatic }'].join('\n');
    expect(onDemandViews(parsePolicy(yaml, VIEWS), VIEWS)).toEqual([]);
  });

  it('reads the upstream override, not the published rules', () => {
    const yaml = ['teams: { release: [] }', 'views:', '  dev: { admit: on-request, upstream: { admit: automatic } }', '  staging: { admit: automatic, upstream: { minimumAge: 24h } }', '  prod: {}'].join('\n');
    expect(onDemandViews(parsePolicy(yaml, VIEWS), VIEWS)).toEqual(['dev']);
  });
});
