import { type DescMessage, type MessageShape, type Registry, createRegistry } from '@bufbuild/protobuf';
import { file_palisade_v1_advisory_events, AdvisoryImportedSchema } from './gen/palisade/v1/advisory_events_pb';
import { file_palisade_v1_alert_events, type Alert } from './gen/palisade/v1/alert_events_pb';
import {
  file_palisade_v1_attestation_commands,
  AttestationsReplySchema,
  AttestationsRequestSchema,
  LogCheckpointReplySchema,
  LogCheckpointRequestSchema,
  LogConsistencyReplySchema,
  LogConsistencyRequestSchema,
  LogEntryReplySchema,
  LogEntryRequestSchema,
} from './gen/palisade/v1/attestation_commands_pb';
import { file_palisade_v1_common } from './gen/palisade/v1/common_pb';
import { file_palisade_v1_download_events, DownloadBatchSchema } from './gen/palisade/v1/download_events_pb';
import {
  file_palisade_v1_ingest_commands,
  FetchReplySchema,
  FetchRequestSchema,
  PublishReplySchema,
  PublishRequestSchema,
  UnpublishReplySchema,
  UnpublishRequestSchema,
} from './gen/palisade/v1/ingest_commands_pb';
import { file_palisade_v1_promotion_commands, ApproveRequestSchema, PromoteReplySchema, PromoteRequestSchema } from './gen/palisade/v1/promotion_commands_pb';
import { file_palisade_v1_promotion_events, VersionDismissedSchema, VersionRefusedSchema } from './gen/palisade/v1/promotion_events_pb';
import {
  file_palisade_v1_promotion_policy,
  PolicyApplyReplySchema,
  PolicyApplyRequestSchema,
  PolicyShowReplySchema,
  PolicyShowRequestSchema,
  PromotionStatusReplySchema,
  PromotionStatusRequestSchema,
} from './gen/palisade/v1/promotion_policy_pb';
import {
  file_palisade_v1_reconcile_commands,
  RunReconcileReplySchema,
  RunReconcileRequestSchema,
  ServiceReconcileReplySchema,
  ServiceReconcileRequestSchema,
} from './gen/palisade/v1/reconcile_commands_pb';
import { file_palisade_v1_scanning_commands, AuditReplySchema, AuditRequestSchema } from './gen/palisade/v1/scanning_commands_pb';
import {
  file_palisade_v1_recall_commands,
  AlertsSinceReplySchema,
  AlertsSinceRequestSchema,
  ApproveOverrideRequestSchema,
  CloseRecallRequestSchema,
  ListRecallsReplySchema,
  ListRecallsRequestSchema,
  OpenRecallReplySchema,
  OpenRecallRequestSchema,
  RecallChangeReplySchema,
  ReportDeploymentReplySchema,
  ReportDeploymentRequestSchema,
  RequestOverrideRequestSchema,
  ShowRecallReplySchema,
  ShowRecallRequestSchema,
} from './gen/palisade/v1/recall_commands_pb';
import { file_palisade_v1_signing_events, KeysChangedSchema } from './gen/palisade/v1/signing_events_pb';
import { file_palisade_v1_recall_events, RecallClosedSchema, RecallEnforcedSchema, RecallOpenedSchema } from './gen/palisade/v1/recall_events_pb';
import {
  file_palisade_v1_version_events,
  VersionIngestedSchema,
  VersionPromotedSchema,
  VersionQuarantinedSchema,
  VersionReleasedSchema,
  VersionScannedSchema,
  VersionSignedSchema,
  VersionUnpublishedSchema,
} from './gen/palisade/v1/version_events_pb';
import {
  file_palisade_v1_upstream_events,
  CacheTarballReplySchema,
  CacheTarballRequestSchema,
  JudgeReplySchema,
  JudgeRequestSchema,
  VersionsListedSchema,
  VersionTamperedSchema,
  VersionTarballCachedSchema,
  VersionUpstreamRemovedSchema,
} from './gen/palisade/v1/upstream_events_pb';
import { ALERT_CLOUDEVENT_TYPE, CLOUDEVENTS_JSON_CONTENT_TYPE, parseAlertCloudEvent } from './alert-cloudevent';
import { alertSubjectOf } from './alerts';
import { ALL_ALERTS, CommandSubjects, EventSubjects, type StreamName } from './subjects';

/** A domain event: published on `subject`, stored on `stream`, payload `schema` (schema name = `schema.typeName`). */
export interface EventDefinition<S extends DescMessage = DescMessage> {
  readonly subject: string;
  readonly stream: StreamName;
  readonly schema: S;
}

/** A request/reply command on `subject`. */
export interface CommandDefinition<Req extends DescMessage = DescMessage, Rep extends DescMessage = DescMessage> {
  readonly subject: string;
  readonly request: Req;
  readonly reply: Rep;
}

export const Events = {
  versionIngested: { subject: EventSubjects.versionIngested, stream: 'REGISTRY', schema: VersionIngestedSchema },
  versionScanned: { subject: EventSubjects.versionScanned, stream: 'REGISTRY', schema: VersionScannedSchema },
  versionSigned: { subject: EventSubjects.versionSigned, stream: 'REGISTRY', schema: VersionSignedSchema },
  versionPromoted: { subject: EventSubjects.versionPromoted, stream: 'REGISTRY', schema: VersionPromotedSchema },
  versionQuarantined: { subject: EventSubjects.versionQuarantined, stream: 'REGISTRY', schema: VersionQuarantinedSchema },
  versionReleased: { subject: EventSubjects.versionReleased, stream: 'REGISTRY', schema: VersionReleasedSchema },
  versionUnpublished: { subject: EventSubjects.versionUnpublished, stream: 'REGISTRY', schema: VersionUnpublishedSchema },
  versionTarballCached: { subject: EventSubjects.versionTarballCached, stream: 'REGISTRY', schema: VersionTarballCachedSchema },
  versionsListed: { subject: EventSubjects.versionsListed, stream: 'REGISTRY', schema: VersionsListedSchema },
  versionTampered: { subject: EventSubjects.versionTampered, stream: 'REGISTRY', schema: VersionTamperedSchema },
  versionUpstreamRemoved: { subject: EventSubjects.versionUpstreamRemoved, stream: 'REGISTRY', schema: VersionUpstreamRemovedSchema },
  versionDismissed: { subject: EventSubjects.versionDismissed, stream: 'REGISTRY', schema: VersionDismissedSchema },
  versionRefused: { subject: EventSubjects.versionRefused, stream: 'REGISTRY', schema: VersionRefusedSchema },
  advisoryImported: { subject: EventSubjects.advisoryImported, stream: 'REGISTRY', schema: AdvisoryImportedSchema },
  recallOpened: { subject: EventSubjects.recallOpened, stream: 'REGISTRY', schema: RecallOpenedSchema },
  recallClosed: { subject: EventSubjects.recallClosed, stream: 'REGISTRY', schema: RecallClosedSchema },
  recallEnforced: { subject: EventSubjects.recallEnforced, stream: 'REGISTRY', schema: RecallEnforcedSchema },
  downloadRecorded: { subject: EventSubjects.downloadRecorded, stream: 'DOWNLOADS', schema: DownloadBatchSchema },
  keysChanged: { subject: EventSubjects.keysChanged, stream: 'REGISTRY', schema: KeysChangedSchema },
} as const satisfies Record<string, EventDefinition>;

export type EventName = keyof typeof Events;

/**
 * Alerts have no fixed subject: each one goes to `alerts.<area>.<severity>.<kind>` built from its
 * own fields by `subjectOf`; `subjectFilter` subscribes to all of them. They are not protobuf:
 * the body is a CloudEvents 1.0 JSON envelope (`AlertCloudEvent`, see
 * `docs/alert-cloudevent.schema.json`) whose `type` is also the message's schema name. Producers
 * build it with `encodeAlert`, readers use `parse`.
 */
export const AlertEvent = {
  subjectFilter: ALL_ALERTS,
  stream: 'ALERTS',
  /** The `Palisade-Schema` header of every alert message (and the CloudEvents `type`). */
  schemaName: ALERT_CLOUDEVENT_TYPE,
  contentType: CLOUDEVENTS_JSON_CONTENT_TYPE,
  parse: parseAlertCloudEvent,
  subjectOf: (alert: Pick<Alert, 'area' | 'severity' | 'kind'>): string => alertSubjectOf(alert),
} as const;

export const Commands = {
  ingestPublish: { subject: CommandSubjects.ingestPublish, request: PublishRequestSchema, reply: PublishReplySchema },
  ingestFetch: { subject: CommandSubjects.ingestFetch, request: FetchRequestSchema, reply: FetchReplySchema },
  ingestUnpublish: { subject: CommandSubjects.ingestUnpublish, request: UnpublishRequestSchema, reply: UnpublishReplySchema },
  ingestCacheTarball: { subject: CommandSubjects.ingestCacheTarball, request: CacheTarballRequestSchema, reply: CacheTarballReplySchema },
  ingestJudge: { subject: CommandSubjects.ingestJudge, request: JudgeRequestSchema, reply: JudgeReplySchema },
  promotionPromote: { subject: CommandSubjects.promotionPromote, request: PromoteRequestSchema, reply: PromoteReplySchema },
  promotionApprove: { subject: CommandSubjects.promotionApprove, request: ApproveRequestSchema, reply: PromoteReplySchema },
  promotionStatus: { subject: CommandSubjects.promotionStatus, request: PromotionStatusRequestSchema, reply: PromotionStatusReplySchema },
  promotionPolicyShow: { subject: CommandSubjects.promotionPolicyShow, request: PolicyShowRequestSchema, reply: PolicyShowReplySchema },
  promotionPolicyApply: { subject: CommandSubjects.promotionPolicyApply, request: PolicyApplyRequestSchema, reply: PolicyApplyReplySchema },
  recallOpen: { subject: CommandSubjects.recallOpen, request: OpenRecallRequestSchema, reply: OpenRecallReplySchema },
  recallList: { subject: CommandSubjects.recallList, request: ListRecallsRequestSchema, reply: ListRecallsReplySchema },
  recallShow: { subject: CommandSubjects.recallShow, request: ShowRecallRequestSchema, reply: ShowRecallReplySchema },
  recallRequestOverride: { subject: CommandSubjects.recallRequestOverride, request: RequestOverrideRequestSchema, reply: RecallChangeReplySchema },
  recallApproveOverride: { subject: CommandSubjects.recallApproveOverride, request: ApproveOverrideRequestSchema, reply: RecallChangeReplySchema },
  recallClose: { subject: CommandSubjects.recallClose, request: CloseRecallRequestSchema, reply: RecallChangeReplySchema },
  recallReportDeployment: { subject: CommandSubjects.recallReportDeployment, request: ReportDeploymentRequestSchema, reply: ReportDeploymentReplySchema },
  recallAlerts: { subject: CommandSubjects.recallAlerts, request: AlertsSinceRequestSchema, reply: AlertsSinceReplySchema },
  scanningAudit: { subject: CommandSubjects.scanningAudit, request: AuditRequestSchema, reply: AuditReplySchema },
  signingAttestations: { subject: CommandSubjects.signingAttestations, request: AttestationsRequestSchema, reply: AttestationsReplySchema },
  signingLogCheckpoint: { subject: CommandSubjects.signingLogCheckpoint, request: LogCheckpointRequestSchema, reply: LogCheckpointReplySchema },
  signingLogConsistency: { subject: CommandSubjects.signingLogConsistency, request: LogConsistencyRequestSchema, reply: LogConsistencyReplySchema },
  signingLogEntry: { subject: CommandSubjects.signingLogEntry, request: LogEntryRequestSchema, reply: LogEntryReplySchema },
  ingestReconcile: { subject: CommandSubjects.ingestReconcile, request: RunReconcileRequestSchema, reply: RunReconcileReplySchema },
  scanningReconcile: { subject: CommandSubjects.scanningReconcile, request: ServiceReconcileRequestSchema, reply: ServiceReconcileReplySchema },
  signingReconcile: { subject: CommandSubjects.signingReconcile, request: ServiceReconcileRequestSchema, reply: ServiceReconcileReplySchema },
  promotionReconcile: { subject: CommandSubjects.promotionReconcile, request: ServiceReconcileRequestSchema, reply: ServiceReconcileReplySchema },
  gatewayReconcile: { subject: CommandSubjects.gatewayReconcile, request: ServiceReconcileRequestSchema, reply: ServiceReconcileReplySchema },
} as const satisfies Record<string, CommandDefinition>;

export type CommandName = keyof typeof Commands;

/** Payload type of an event definition, e.g. `EventPayload<typeof Events.versionIngested>`. */
export type EventPayload<D extends { readonly schema: DescMessage }> = MessageShape<D['schema']>;
export type CommandRequest<D extends CommandDefinition> = MessageShape<D['request']>;
export type CommandReply<D extends CommandDefinition> = MessageShape<D['reply']>;

/**
 * Every Palisade message type by schema name (`registry.getMessage('palisade.v1.VersionIngested')`),
 * for code that only has the schema-name header, e.g. dead-letter inspection or `toJson`. Alerts
 * are not in it: their schema name is `AlertEvent.schemaName` and `AlertEvent.parse` reads them.
 */
export const contractRegistry: Registry = createRegistry(
  file_palisade_v1_common,
  file_palisade_v1_version_events,
  file_palisade_v1_advisory_events,
  file_palisade_v1_recall_events,
  file_palisade_v1_download_events,
  file_palisade_v1_signing_events,
  file_palisade_v1_alert_events,
  file_palisade_v1_ingest_commands,
  file_palisade_v1_promotion_commands,
  file_palisade_v1_promotion_events,
  file_palisade_v1_promotion_policy,
  file_palisade_v1_recall_commands,
  file_palisade_v1_attestation_commands,
  file_palisade_v1_upstream_events,
  file_palisade_v1_scanning_commands,
  file_palisade_v1_reconcile_commands,
);
