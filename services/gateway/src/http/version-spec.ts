/**
 * `<name>@<version>` from a path segment, with the name in any of its path forms: `@scope/name`,
 * `%40scope%2fname`, `@scope%2Fname`. Undefined when it is not one.
 */
export function parseVersionSpec(raw: string): { name: string; version: string } | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  const at = decoded.lastIndexOf('@');
  if (at <= 0) return undefined;
  const name = decoded.slice(0, at);
  const version = decoded.slice(at + 1);
  const scoped = /^@[^/@\s]+\/[^/@\s]+$/.test(name);
  const plain = /^[^/@\s][^/@\s]*$/.test(name);
  if (!(scoped || plain) || !/^[^/\s]+$/.test(version)) return undefined;
  return { name, version };
}
