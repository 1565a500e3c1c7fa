import { toJson } from '@bufbuild/protobuf';
import { DeploymentRecordedSchema, RecallCaseSchema, type DeploymentRecorded, type OpenRecallAccepted, type RecallCase, type RecordedAlert } from '@palisade/contracts';

/**
 * Replies are the contracts' canonical JSON (camelCase, enums by name, timestamps RFC 3339,
 * 64-bit numbers as strings). Scalars and lists are always present, so a zero (a 0 ms time to
 * detect, `drill: false`) or an empty list reads as itself; unset timestamps are left out.
 */
const ALWAYS = { alwaysEmitImplicit: true } as const;

export function caseJson(recall: RecallCase) {
  return toJson(RecallCaseSchema, recall, ALWAYS);
}

/** The case as it stands after opening; should the service not send it, what it did say. */
export function openedJson(accepted: OpenRecallAccepted) {
  if (accepted.recall) return caseJson(accepted.recall);
  return { recallId: accepted.recallId, affected: accepted.affected.map((a) => ({ name: a.name, version: a.version })), drill: accepted.drill };
}

export function deploymentJson(recorded: DeploymentRecorded) {
  return toJson(DeploymentRecordedSchema, recorded, ALWAYS);
}

/** One recorded alert with its CloudEvents envelope parsed (null when it is not JSON); `seq` as a string, like every uint64. */
export function alertJson(alert: RecordedAlert): { seq: string; subject: string; event: unknown } {
  let event: unknown = null;
  try {
    event = JSON.parse(alert.cloudeventJson);
  } catch {
    // kept as null: the sequence and subject still tell the reader where it is
  }
  return { seq: alert.seq.toString(), subject: alert.subject, event };
}
