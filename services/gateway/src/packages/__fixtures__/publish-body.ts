import { publishBody as npmPublishBody, type PublishBodyOptions } from '@palisade/testing';

export { packTarball } from '@palisade/testing';

export interface PublishOptions extends PublishBodyOptions {
  manifest?: Record<string, unknown>;
}

/** `npm publish` of `name@version` with `tarball`, with the description/main/readme the gateway tests read back. */
export function publishBody(name: string, version: string, tarball: Buffer, options: PublishOptions = {}): Record<string, unknown> {
  const { manifest, ...rest } = options;
  return npmPublishBody({ name, version, description: `${name} does things`, main: 'index.js', readme: `# ${name}\n`, ...manifest }, tarball, rest);
}
