/** The package URL a provenance statement names: `pkg:npm/<name>@<version>`, the scope's `@` as `%40`. */
export function npmPurl(name: string, version: string): string {
  const path = name.startsWith('@') ? `%40${name.slice(1)}` : name;
  return `pkg:npm/${path}@${version}`;
}
