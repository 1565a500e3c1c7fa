/** `pkg:npm/<name>@<version>`; a scope's `@` is written `%40` (as npm signs and pacote checks). */
export function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;
}

/** Hex of the sha512 in an SRI integrity string, if it has one. */
export function sha512Hex(integrity: string): string | undefined {
  const sri = integrity.split(/\s+/).find((part) => part.startsWith('sha512-'));
  return sri ? Buffer.from(sri.slice('sha512-'.length), 'base64').toString('hex') : undefined;
}
