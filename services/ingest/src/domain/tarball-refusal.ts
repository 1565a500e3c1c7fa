import { TarballErrorCode, type TarballError } from '@palisade/npm-tarball';
import { IngestRejected, IngestRejectionCode } from './ingest-rejection';

const TOO_LARGE: ReadonlySet<string> = new Set([TarballErrorCode.TooManyEntries, TarballErrorCode.TooLargeUnpacked]);

/** A refused tarball as a rejection; the tarball's own code stays visible in `problems`. */
export function tarballRefusal(error: TarballError): IngestRejected {
  const problem = `${error.code}: ${error.message}`;
  if (error.code === TarballErrorCode.TooSlow) return new IngestRejected(IngestRejectionCode.PublishTimeout, `the publish took too long to check: ${error.message}`, [problem]);
  if (TOO_LARGE.has(error.code)) return new IngestRejected(IngestRejectionCode.TarballTooLarge, `the tarball is too large: ${error.message}`, [problem]);
  return new IngestRejected(IngestRejectionCode.TarballUnsafe, `the tarball is not a safe npm package: ${error.message}`, [problem]);
}
