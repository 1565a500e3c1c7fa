import { PalisadeError } from '@palisade/errors';

const TOKEN = /^[^\s.*>]+$/;

/** Checks a NATS subject filter: dot-separated tokens, `*` for one token, `>` only last. */
export function assertSubjectFilter(filter: string): void {
  const tokens = filter.split('.');
  tokens.forEach((token, index) => {
    const ok = TOKEN.test(token) || token === '*' || (token === '>' && index === tokens.length - 1);
    if (!ok) throw new PalisadeError('MESSAGING_BAD_SUBJECT', `invalid subject filter ${JSON.stringify(filter)}`);
  });
}

/** Whether `subject` matches a NATS filter, with NATS's wildcard rules. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

/** The same rule as a PostgreSQL regular expression, for the embedded bus's queries. */
export function subjectFilterToRegex(filter: string): string {
  assertSubjectFilter(filter);
  const parts = filter.split('.').map((token) => {
    if (token === '*') return '[^.]+';
    if (token === '>') return '.+';
    return token.replace(/[\\^$.|?*+()[\]{}-]/g, (c) => `\\${c}`);
  });
  return `^${parts.join('\\.')}$`;
}
