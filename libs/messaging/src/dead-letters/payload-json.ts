import { fromBinary, toJson } from '@bufbuild/protobuf';
import { AlertEvent, contractRegistry } from '@palisade/contracts';

/**
 * A dead letter's payload as JSON, read with the schema its `Palisade-Schema` header names: the
 * protobuf JSON of a contract message, or an alert's CloudEvent. Bytes the schema cannot read are
 * why a message is dead-lettered often enough, so that is a note, never an error.
 */
export function payloadJsonOf(schema: string, data: Uint8Array): { payload: unknown } | { payloadNote: string } {
  if (schema === AlertEvent.schemaName) {
    try {
      return { payload: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data)) as unknown };
    } catch (error: unknown) {
      return { payloadNote: `not a CloudEvents JSON alert: ${(error as Error).message}` };
    }
  }
  const desc = schema ? contractRegistry.getMessage(schema) : undefined;
  if (!desc) return { payloadNote: schema ? `schema ${schema} is not in the contract registry` : 'the message names no schema' };
  try {
    return { payload: toJson(desc, fromBinary(desc, data), { registry: contractRegistry }) };
  } catch (error: unknown) {
    return { payloadNote: `not a valid ${schema}: ${(error as Error).message}` };
  }
}
