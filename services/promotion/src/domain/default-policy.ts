/**
 * The built-in policy, used when PALISADE_POLICY_FILE is unset. For `dev,staging,prod`:
 * - dev admits published and upstream versions automatically once scanned clean or warn and
 *   registry-signed;
 * - staging admits published versions on request (clean or warn, no approvals) and upstream
 *   versions automatically (so they can flow on to prod);
 * - prod admits published versions on request with 2 approvals from team `release`, clean only,
 *   and upstream versions automatically once 72 hours old (cooldown).
 * A recalled version warns in the entry view (still installable, with a deprecation warning) and
 * is blocked in every later view (`quarantine: warn | block`).
 * With other views, the first gets dev's rules, the last prod's and those between staging's.
 * The `release` team is empty: name its members in a policy file before anything reaches prod.
 */
export function defaultPolicyYaml(views: readonly string[]): string {
  const lines = ['teams:', '  release: []', 'views:'];
  views.forEach((view, index) => {
    lines.push(`  ${view}:`);
    const role = index === 0 ? 'entry' : index === views.length - 1 ? 'final' : 'middle';
    lines.push(...ROLE_RULES[role].map((line) => `    ${line}`));
  });
  return `${lines.join('\n')}\n`;
}

const ROLE_RULES: Record<'entry' | 'middle' | 'final', readonly string[]> = {
  entry: ['admit: automatic', 'verdicts: [clean, warn]', 'requireSignature: true', 'minimumAge: 0', 'quarantine: warn'],
  middle: ['admit: on-request', 'verdicts: [clean, warn]', 'requireSignature: true', 'approvals: 0', 'quarantine: block', 'upstream:', '  admit: automatic'],
  final: [
    'admit: on-request',
    'verdicts: [clean]',
    'requireSignature: true',
    'quarantine: block',
    'published:',
    '  approvals: { count: 2, team: release }',
    'upstream:',
    '  admit: automatic',
    '  minimumAge: 72h',
  ],
};
