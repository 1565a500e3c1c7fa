import semver from 'semver';
import type { VerdictWord } from './verdict';

/** What the catalogue knows of one version of the package, for choosing where to roll back to. */
export interface RollbackCandidate {
  version: string;
  /** Views the version is admitted to now. */
  admittedIn: readonly string[];
  /** Views where a recall (any case, still in force) quarantines it. */
  quarantinedIn: readonly string[];
  unpublished: boolean;
  /** Verdict of the admitted bytes; undefined before any scan. */
  verdict?: VerdictWord;
}

export interface RollbackQuestion {
  /** The affected version the consumer has. */
  from: string;
  view: string;
  candidates: readonly RollbackCandidate[];
  /** Versions the case itself covers: never suggested. */
  affected: ReadonlySet<string>;
}

/**
 * The nearest safe version for a consumer of `from` in `view`: admitted there, not unpublished,
 * not covered by this case, not quarantined there by another case, not judged `block`.
 * Prereleases are suggested only to someone already on a prerelease. Same major first — the
 * lowest version above `from` (a fix), else the highest below (a rollback) — then the other
 * majors the same way: the lowest above, else the highest below. Undefined when nothing is safe.
 */
export function chooseRollback(question: RollbackQuestion): string | undefined {
  const from = semver.parse(question.from);
  if (!from) return undefined;
  const allowPrerelease = from.prerelease.length > 0;
  const safe = question.candidates
    .filter(
      (c) =>
        !question.affected.has(c.version) &&
        !c.unpublished &&
        c.verdict !== 'block' &&
        c.admittedIn.includes(question.view) &&
        !c.quarantinedIn.includes(question.view),
    )
    .map((c) => semver.parse(c.version))
    .filter((v): v is semver.SemVer => v !== null && (allowPrerelease || v.prerelease.length === 0) && v.compare(from) !== 0)
    .sort((a, b) => a.compare(b));
  const nearest = (pool: semver.SemVer[]) => pool.find((v) => v.compare(from) > 0) ?? [...pool].reverse().find((v) => v.compare(from) < 0);
  return (nearest(safe.filter((v) => v.major === from.major)) ?? nearest(safe.filter((v) => v.major !== from.major)))?.version;
}

/**
 * What the consumer runs: a direct dependency is reinstalled at the safe version; a transitive
 * one is pinned with an npm `overrides` entry. Empty when there is no safe version.
 */
export function rollbackCommand(name: string, to: string | undefined, direct: boolean): string {
  if (!to) return '';
  return direct ? `npm install ${name}@${to}` : `add "overrides": { "${name}": "${to}" } to package.json, then npm install`;
}
