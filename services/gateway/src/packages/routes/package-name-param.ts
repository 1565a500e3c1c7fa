import validate from 'validate-npm-package-name';
import { decodePackageName } from '../../http/package-name';
import { RegistryHttpError } from '../../http/registry-errors';

/**
 * The package name of a route match. An unreadable name is simply not in the registry when
 * reading (404, as npm expects), and a client error when writing.
 */
export function nameParam(raw: string | undefined, use: 'read' | 'write'): string {
  let name: string | undefined;
  try {
    name = raw === undefined ? undefined : decodePackageName(raw);
  } catch {
    name = undefined;
  }
  if (name !== undefined && validate(name).validForOldPackages) return name;
  if (use === 'read') throw new RegistryHttpError('PAL_ERR_NOT_FOUND', name ?? raw ?? '');
  throw new RegistryHttpError('PAL_ERR_INVALID_NAME', JSON.stringify(name ?? raw));
}

/** A path segment other than the name (tag, file), percent-decoded. */
export function segmentParam(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', `malformed path segment ${JSON.stringify(raw)}`);
  }
}
