import { type DescMessage, type MessageInitShape, type MessageShape, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { PermanentError } from '@palisade/errors';
import { ContractErrorCode } from './errors';

/** Serialises a message (or a plain init object) of `schema` to protobuf binary. */
export function encodeMessage<Desc extends DescMessage>(schema: Desc, value: MessageInitShape<Desc>): Uint8Array {
  try {
    return toBinary(schema, create(schema, value));
  } catch (e: unknown) {
    throw new PermanentError(ContractErrorCode.ENCODE_FAILED, `cannot encode ${schema.typeName}: ${describe(e)}`, { cause: e });
  }
}

/**
 * Parses protobuf binary as `schema`. Unknown fields are kept, so a consumer on an older schema
 * passes newer fields through untouched. Bytes that are not a valid encoding throw
 * `CONTRACT_DECODE_FAILED`, a permanent error: redelivering the same bytes cannot help.
 */
export function decodeMessage<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, bytes);
  } catch (e: unknown) {
    throw new PermanentError(ContractErrorCode.DECODE_FAILED, `cannot decode ${schema.typeName}: ${describe(e)}`, { cause: e });
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
