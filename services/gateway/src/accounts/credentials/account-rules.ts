/**
 * What a new account must look like. User names follow npm's rules (npm-user-validate: lower
 * case, URL-safe, no leading dot) narrowed to the characters people actually use, so a name is
 * also safe in paths, logs and `org.couchdb.user:<name>`.
 */
const USER_NAME = /^[a-z0-9][a-z0-9._~-]*$/;
export const MAX_USER_NAME_LENGTH = 214;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** Names only the registry itself may hold (the bootstrap administrator). */
export const RESERVED_USER_NAMES: readonly string[] = ['admin'];

/** Why `name` cannot be a user name, or undefined when it can. */
export function userNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'user name is empty';
  if (name.length > MAX_USER_NAME_LENGTH) return `user name is longer than ${MAX_USER_NAME_LENGTH} characters`;
  if (name !== name.toLowerCase()) return 'user name must be lower case';
  if (!USER_NAME.test(name)) return 'user name may contain only a-z, 0-9, ".", "_", "~" and "-", and must start with a letter or digit';
  return undefined;
}

export function emailProblem(email: string): string | undefined {
  if (email.length > 254) return 'email is longer than 254 characters';
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return 'email must be an email address';
  return undefined;
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}
