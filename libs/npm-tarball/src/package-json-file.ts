import { TarballError, TarballErrorCode } from './tarball-error';

/** Parses `package.json` bytes the way npm reads them (a UTF-8 BOM is tolerated); must be a JSON object. */
export function parsePackageJson(bytes: Buffer, path: string): Record<string, unknown> {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new TarballError(TarballErrorCode.BadPackageJson, `${path} is not valid JSON: ${detail}`, { entry: path, cause: e });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TarballError(TarballErrorCode.BadPackageJson, `${path} is not a JSON object`, { entry: path });
  }
  return value as Record<string, unknown>;
}

/** npm runs these on install; `binding.gyp` gets an implicit `node-gyp rebuild` unless `gypfile: false`. */
export function hasInstallScript(packageJson: Record<string, unknown>, files: ReadonlySet<string>): boolean {
  const scripts = packageJson.scripts;
  if (typeof scripts === 'object' && scripts !== null) {
    const record = scripts as Record<string, unknown>;
    if (['preinstall', 'install', 'postinstall'].some((name) => typeof record[name] === 'string' && record[name] !== '')) return true;
  }
  return files.has('binding.gyp') && packageJson.gypfile !== false;
}
