/** True when `name` lies in one of the internal scopes: such a name is never resolved upstream. */
export function isInternalName(name: string, internalScopes: readonly string[]): boolean {
  if (!name.startsWith('@')) return false;
  const scope = name.slice(0, name.indexOf('/')).toLowerCase();
  return internalScopes.some((internal) => internal.toLowerCase() === scope);
}
