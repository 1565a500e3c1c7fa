import { defaultPolicyYaml } from './default-policy';
import { formatDuration, parseDuration } from './durations';
import { matchesAny } from './name-pattern';
import { DEFAULT_RULES, parsePolicy } from './parse-policy';
import { rulesFor } from './policy';
import { PromotionError } from './promotion-error';
import { changedViews, policyDigest, renderPolicy } from './render-policy';

const VIEWS = ['dev', 'staging', 'prod'];

function problemsOf(yaml: string, views = VIEWS): readonly string[] {
  try {
    parsePolicy(yaml, views);
  } catch (e: unknown) {
    if (e instanceof PromotionError) return e.problems;
    throw e;
  }
  return [];
}

describe('parsePolicy', () => {
  it('reads every rule, with per-source overrides on top of the view rules', () => {
    const doc = parsePolicy(
      `teams: { release: [bob, carol] }
views:
  dev: { admit: automatic }
  staging: {}
  prod:
    verdicts: [clean]
    maxVulnRisk: 40
    maxMalwareRisk: 10
    maxSeverity: medium
    requireSignature: false
    requireProvenance: ['@acme/*']
    installScripts: [esbuild]
    published: { approvals: { count: 2, team: release } }
    upstream: { admit: automatic, minimumAge: 72h }
`,
      VIEWS,
    );
    expect(doc.teams).toEqual({ release: ['bob', 'carol'] });
    expect(doc.views.staging.rules).toEqual(DEFAULT_RULES);
    const prod = doc.views.prod;
    expect(rulesFor(prod, 'published')).toEqual({
      admit: 'on-request',
      verdicts: ['clean'],
      maxVulnRisk: 40,
      maxMalwareRisk: 10,
      maxSeverity: 'medium',
      requireSignature: false,
      requireProvenance: ['@acme/*'],
      installScripts: ['esbuild'],
      minimumAgeMs: 0,
      approvals: { count: 2, team: 'release' },
    });
    expect(rulesFor(prod, 'upstream')).toMatchObject({ admit: 'automatic', minimumAgeMs: 72 * 3_600_000, approvals: { count: 0, team: '' } });
  });

  it('reports every problem at once, with its path', () => {
    expect(
      problemsOf(`teams: { release: bob }
views:
  dev: { admit: always, maxVulnRisk: 101, minimumAge: soon, approvals: { count: 1, team: ops }, colour: red }
  staging: { requireProvenance: yes-please, upstream: { verdicts: [] } }
  qa: {}
`),
    ).toEqual([
      'teams.release: must be a list of principals (user names)',
      'views.qa: not a configured view (PALISADE_VIEWS: dev, staging, prod)',
      'views.dev.colour: unknown key (expected one of admit, verdicts, maxVulnRisk, maxMalwareRisk, maxSeverity, requireSignature, requireProvenance, installScripts, minimumAge, approvals, quarantine, published, upstream)',
      'views.dev.admit: must be one of automatic, on-request, never',
      'views.dev.maxVulnRisk: must be a whole number from 0 to 100',
      'views.dev.minimumAge: must be a duration such as 72h, 30m, 3d or 0',
      'views.dev: approvals name team ops, which `teams` does not define',
      'views.staging.requireProvenance: must be true, false or a list of package name patterns (`@acme/*`, `esbuild`)',
      'views.staging.upstream.verdicts: must be a non-empty list of clean, warn',
      'views.prod: missing; every view needs a policy',
    ]);
    expect(problemsOf('views: [')[0]).toMatch(/.+/);
    expect(problemsOf('just a string')).toEqual(['(root): not a mapping']);
  });

  it('reads how each view shows a recalled version: warn in the entry view, block after it, unless the view says', () => {
    const defaults = parsePolicy('views: { dev: {}, staging: {}, prod: {} }', VIEWS);
    expect(VIEWS.map((v) => defaults.views[v].quarantine)).toEqual(['warn', 'block', 'block']);
    const set = parsePolicy('views: { dev: { quarantine: block }, staging: { quarantine: warn }, prod: { quarantine: block } }', VIEWS);
    expect(VIEWS.map((v) => set.views[v].quarantine)).toEqual(['block', 'warn', 'block']);
    expect(problemsOf('views: { dev: { quarantine: hide }, staging: { quarantine: true }, prod: { upstream: { quarantine: warn } } }')).toEqual([
      'views.dev.quarantine: must be one of warn, block (how the view shows a recalled version)',
      'views.staging.quarantine: must be one of warn, block (how the view shows a recalled version)',
      'views.prod.upstream.quarantine: unknown key (expected one of admit, verdicts, maxVulnRisk, maxMalwareRisk, maxSeverity, requireSignature, requireProvenance, installScripts, minimumAge, approvals)',
    ]);
  });

  it('renders the quarantine of every view, and a changed quarantine changes the view', () => {
    const before = parsePolicy(defaultPolicyYaml(VIEWS), VIEWS);
    const yaml = renderPolicy(before, VIEWS);
    expect(yaml).toContain('  dev:\n    admit: automatic');
    expect(yaml.match(/^ {4}quarantine: (\w+)$/gm)).toEqual(['    quarantine: warn', '    quarantine: block', '    quarantine: block']);
    expect(renderPolicy(before, VIEWS, 'staging')).toContain('    quarantine: block\n');
    const after = parsePolicy(yaml.replace(/(staging:[\s\S]*?)quarantine: block/, '$1quarantine: warn'), VIEWS);
    expect(after.views.staging.quarantine).toBe('warn');
    expect(changedViews(before, after, VIEWS)).toEqual(['staging']);
    expect(policyDigest(after, VIEWS)).not.toBe(policyDigest(before, VIEWS));
    // A document written before views had a quarantine means the defaults: the same policy.
    expect(policyDigest(parsePolicy(yaml.replace(/^ {4}quarantine: \w+\n/gm, ''), VIEWS), VIEWS)).toBe(policyDigest(before, VIEWS));
  });

  it('renders a normalised document that parses back to the same policy and digest', () => {
    const doc = parsePolicy(defaultPolicyYaml(VIEWS), VIEWS);
    const yaml = renderPolicy(doc, VIEWS);
    expect(yaml).toContain('    approvals: {count: 2, team: release}');
    expect(yaml).toContain('      minimumAge: 72h');
    const again = parsePolicy(yaml, VIEWS);
    expect(again).toEqual(doc);
    expect(policyDigest(again, VIEWS)).toBe(policyDigest(doc, VIEWS));
  });

  it('names the views a change touches (a team change touches views that need its approvals)', () => {
    const before = parsePolicy(defaultPolicyYaml(VIEWS), VIEWS);
    const after = parsePolicy(defaultPolicyYaml(VIEWS).replace('release: []', 'release: [bob]').replace('verdicts: [clean, warn]\n    requireSignature: true\n    minimumAge: 0', 'verdicts: [clean]'), VIEWS);
    expect(changedViews(before, after, VIEWS)).toEqual(['dev', 'prod']);
  });
});

describe('the built-in policy', () => {
  it.each([[['dev']], [['dev', 'prod']], [VIEWS], [['dev', 'qa', 'staging', 'prod']]])('fits the views %j', (views) => {
    const doc = parsePolicy(defaultPolicyYaml(views), views);
    expect(rulesFor(doc.views[views[0]], 'published').admit).toBe('automatic');
    expect(views.map((v) => doc.views[v].quarantine)).toEqual(views.map((_v, i) => (i === 0 ? 'warn' : 'block')));
    if (views.length > 1) {
      const last = doc.views[views[views.length - 1]];
      expect(rulesFor(last, 'published')).toMatchObject({ admit: 'on-request', verdicts: ['clean'], approvals: { count: 2, team: 'release' } });
      expect(rulesFor(last, 'upstream')).toMatchObject({ admit: 'automatic', minimumAgeMs: 72 * 3_600_000 });
    }
  });
});

describe('durations and name patterns', () => {
  it('parse and format durations', () => {
    expect([parseDuration('72h'), parseDuration('3d'), parseDuration('30m'), parseDuration('0'), parseDuration(0), parseDuration('1.5h'), parseDuration('soon')]).toEqual([
      259_200_000, 259_200_000, 1_800_000, 0, 0, 5_400_000, undefined,
    ]);
    expect([formatDuration(259_200_000), formatDuration(0), formatDuration(90_000), formatDuration(1_500)]).toEqual(['72h', '0s', '90s', '1500ms']);
  });

  it('match exact names, scopes and globs', () => {
    expect(matchesAny('@acme/util', ['@acme/*'])).toBe(true);
    expect(matchesAny('@acme-evil/util', ['@acme/*'])).toBe(false);
    expect(matchesAny('esbuild', ['esbuild'])).toBe(true);
    expect(matchesAny('esbuild-wasm', ['esbuild'])).toBe(false);
    expect(matchesAny('anything', ['*'])).toBe(true);
    expect(matchesAny('x', [])).toBe(false);
  });
});
