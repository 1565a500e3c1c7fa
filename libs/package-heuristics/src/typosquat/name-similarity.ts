import { distance } from 'fastest-levenshtein';

/** How a name imitates a target, for the finding message. */
export interface SquatMatch {
  target: string;
  technique: string;
}

export interface SquatOptions {
  /** Treat a scoped target's bare name without the scope as a squat (`@acme/billing` → `billing`): for internal names only. */
  scopeDrop?: boolean;
}

const MIN_EDIT_LENGTH = 5;
const JS_AFFIXES = [/^node-?/, /^js-/, /^nodejs-/, /[-.]?js$/, /-node$/, /[-.]?ts$/];
const CONFUSABLES: readonly [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/0/g, 'o'],
  [/[1I|]/g, 'l'],
  [/5/g, 's'],
];

export function splitName(name: string): { scope?: string; bare: string } {
  const match = /^@([^/]+)\/(.+)$/.exec(name);
  return match ? { scope: match[1], bare: match[2] } : { bare: name };
}

function collapseSeparators(value: string): string {
  return value.toLowerCase().replace(/[-_.]/g, '');
}

function unconfuse(value: string): string {
  return CONFUSABLES.reduce((current, [pattern, replacement]) => current.replace(pattern, replacement), value.toLowerCase());
}

function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) {
      diffs.push(i);
      if (diffs.length > 2) return false;
    }
  }
  return diffs.length === 2 && diffs[1] === diffs[0] + 1 && a[diffs[0]] === b[diffs[1]] && a[diffs[1]] === b[diffs[0]];
}

/** Whether `name` imitates `target` (never when they are equal). */
export function squatTechnique(name: string, target: string, options: SquatOptions = {}): string | undefined {
  if (name === target) return undefined;
  const candidate = splitName(name);
  const original = splitName(target);
  // Only the scope's owner can publish inside it: a sibling in the same scope is not an imitation.
  if (candidate.scope !== undefined && candidate.scope === original.scope) return undefined;

  if (collapseSeparators(name) === collapseSeparators(target)) return 'separator or case swap';
  if (original.scope !== undefined) {
    if (candidate.scope !== undefined && candidate.bare === original.bare && candidate.scope !== original.scope && distance(candidate.scope, original.scope) <= 2) return 'scope look-alike';
    if (candidate.scope === undefined) {
      const flat = collapseSeparators(name);
      if (flat === collapseSeparators(`${original.scope}${original.bare}`)) return 'scope flattened into the name';
      if (options.scopeDrop && name === original.bare) return 'scope dropped';
    }
  }
  if (candidate.scope === original.scope || (candidate.scope === undefined && original.scope === undefined)) {
    for (const affix of JS_AFFIXES) {
      const strippedName = candidate.bare.replace(affix, '');
      if (strippedName !== candidate.bare && strippedName === original.bare) return 'js/node affix added';
      const strippedTarget = original.bare.replace(affix, '');
      if (strippedTarget !== original.bare && strippedTarget === candidate.bare && candidate.bare.length >= 3) return 'js/node affix removed';
    }
  }
  if (isAdjacentSwap(name, target)) return 'adjacent characters swapped';
  if (unconfuse(name) === unconfuse(target)) return 'look-alike characters';
  // A version digit appended (`safe-regex2`, `uuid4`) is how forks and majors are named, not a typo.
  if (/\d+$/.test(name) && name.replace(/[-.]?\d+$/, '') === target) return undefined;
  if (name.length >= MIN_EDIT_LENGTH && target.length >= MIN_EDIT_LENGTH && Math.abs(name.length - target.length) <= 2) {
    const edits = distance(name, target);
    // A letter added or dropped at the very start is rarely a typo and often a real, different
    // package (bcrypt/crypt, preact/react), so that one edit does not count.
    const firstLetterOnly = name.slice(1) === target || target.slice(1) === name;
    if (edits === 1 && !firstLetterOnly) return 'one character different';
    if (edits === 2 && target.length >= 12 && name.length >= 12) return 'two characters different';
  }
  return undefined;
}

/** The first target (in priority order) that `name` imitates, unless `name` is itself one of the targets. */
export function findSquatTarget(name: string, targets: readonly string[], options: SquatOptions = {}): SquatMatch | undefined {
  if (targets.includes(name)) return undefined;
  for (const target of targets) {
    const technique = squatTechnique(name, target, options);
    if (technique) return { target, technique };
  }
  return undefined;
}
