import { parse as secureJsonParse } from 'secure-json-parse';
import { JsonParseWorker, JsonSyntaxError, NotAPublishError } from './json-parse-worker';
import { RegistryHttpError } from './registry-errors';

/** Bodies from this size on are parsed on the worker thread; smaller ones cost less than the hand-over. */
export const OFF_THREAD_JSON_BYTES = 256 * 1024;

function badJson(detail: string, cause?: unknown): RegistryHttpError {
  return new RegistryHttpError('PAL_ERR_BAD_REQUEST', `the JSON body cannot be read: ${detail}`, { cause });
}

/**
 * Reads and parses a JSON request body. The stream is the one `preParsing` returned, which
 * already stops at the route's limit. Keys that reach a prototype (`__proto__`,
 * `constructor.prototype`) are refused, as by the framework's own parser. `firstPublishOf` names
 * a package that does not exist yet: a large document for it that is no publish is answered 404
 * (what the metadata routes would answer) without being handed back from the worker.
 */
export async function readJsonBody(payload: AsyncIterable<Buffer>, worker: JsonParseWorker, firstPublishOf?: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    chunks.push(chunk);
    size += chunk.length;
  }
  if (size === 0) throw badJson('it is empty');
  if (size < OFF_THREAD_JSON_BYTES) {
    try {
      return secureJsonParse(Buffer.concat(chunks, size).toString('utf8'), null, { protoAction: 'error', constructorAction: 'error' });
    } catch (error: unknown) {
      throw badJson((error as Error).message, error);
    }
  }
  try {
    return await worker.parse(chunks.splice(0), size, firstPublishOf !== undefined);
  } catch (error: unknown) {
    if (error instanceof JsonSyntaxError) throw badJson(error.message, error);
    if (error instanceof NotAPublishError) throw new RegistryHttpError('PAL_ERR_NOT_FOUND', firstPublishOf, { cause: error });
    throw error;
  }
}
