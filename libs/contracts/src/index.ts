export * from './gen/palisade/v1/common_pb';
export * from './gen/palisade/v1/version_events_pb';
export * from './gen/palisade/v1/advisory_events_pb';
export * from './gen/palisade/v1/recall_events_pb';
export * from './gen/palisade/v1/download_events_pb';
export * from './gen/palisade/v1/signing_events_pb';
export * from './gen/palisade/v1/alert_events_pb';
export * from './gen/palisade/v1/ingest_commands_pb';
export * from './gen/palisade/v1/promotion_commands_pb';
export * from './gen/palisade/v1/promotion_events_pb';
export * from './gen/palisade/v1/reconcile_commands_pb';
export * from './gen/palisade/v1/promotion_policy_pb';
export * from './gen/palisade/v1/recall_commands_pb';
export * from './gen/palisade/v1/attestation_commands_pb';
export * from './gen/palisade/v1/scanning_commands_pb';
export * from './gen/palisade/v1/upstream_events_pb';
// Timestamps are google.protobuf.Timestamp; re-exported so callers need no deep import.
export { type Timestamp, timestampDate, timestampFromDate, timestampFromMs, timestampMs, timestampNow } from '@bufbuild/protobuf/wkt';

export { ContractErrorCode } from './errors';
export { downloadBatchOf, downloadEntriesOf } from './download-batch';
export type { DownloadEntry } from './download-batch';
export {
  ALERT_SEVERITIES,
  ALL_ALERTS,
  CommandSubjects,
  EventSubjects,
  STREAMS,
  alertFilter,
  alertSubject,
  commandSubject,
  eventSubject,
  isSubjectToken,
  parseAlertSubject,
  streamOf,
  subjectMatches,
} from './subjects';
export type { AlertSeverity, AlertSubjectParts, StreamName } from './subjects';
export { alertCloudEvent, alertFilterProblem, alertSeverityToken, alertSubjectOf, encodeAlert, severityFromToken } from './alerts';
export type { AlertCloudEventOptions, AlertInit } from './alerts';
export { ALERT_CLOUDEVENT_TYPE, AlertCloudEventError, CLOUDEVENTS_JSON_CONTENT_TYPE, parseAlertCloudEvent, serializeAlertCloudEvent } from './alert-cloudevent';
export type { AlertCloudEvent, AlertCloudEventData, AlertPackageRef } from './alert-cloudevent';
export { ALERT_SIGNATURE_HEADER, ALERT_TIMESTAMP_HEADER, signAlertPayload, verifyAlertSignature } from './alert-signature';
export type { VerifyAlertSignatureOptions } from './alert-signature';
export { encodeMessage, decodeMessage } from './codec';
export { AlertEvent, Commands, Events, contractRegistry } from './definitions';
export type { CommandDefinition, CommandName, CommandReply, CommandRequest, EventDefinition, EventName, EventPayload } from './definitions';
