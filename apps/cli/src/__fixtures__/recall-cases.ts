import { create, toJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { QuarantineMode, RecallCaseSchema, RecallResolution, RecallTrigger, Severity, timestampFromDate, type RecallCase } from '@palisade/contracts';

const at = (iso: string) => timestampFromDate(new Date(iso));

/** An open advisory case with enforcement in every view, two exposures and a pending waiver. */
export function openCase(overrides: MessageInitShape<typeof RecallCaseSchema> = {}): RecallCase {
  return create(RecallCaseSchema, {
    recallId: 'rc-7f3a',
    trigger: RecallTrigger.ADVISORY,
    advisoryId: 'GHSA-aaaa-bbbb-cccc',
    severity: Severity.CRITICAL,
    reason: 'Prototype pollution in @rc/lib 1.0.1',
    affected: [{ name: '@rc/lib', version: '1.0.1' }],
    status: 'contained',
    openedBy: 'service:recall',
    openedAt: at('2026-12-06T10:00:00.000Z'),
    containedAt: at('2026-12-06T10:00:01.250Z'),
    timeToDetectMs: 4_200,
    timeToContainMs: 1_250,
    timeline: [
      { at: at('2026-12-06T10:00:00.000Z'), kind: 'opened', actor: 'service:recall', detail: 'advisory GHSA-aaaa-bbbb-cccc' },
      { at: at('2026-12-06T10:00:01.250Z'), kind: 'enforced', actor: 'service:gateway', view: 'prod', detail: 'block' },
    ],
    enforcements: [
      { name: '@rc/lib', version: '1.0.1', view: 'dev', mode: QuarantineMode.WARN, state: 'enforced', enforcedAt: at('2026-12-06T10:00:01.000Z') },
      { name: '@rc/lib', version: '1.0.1', view: 'prod', mode: QuarantineMode.BLOCK, state: 'enforced', enforcedAt: at('2026-12-06T10:00:01.250Z') },
    ],
    exposures: [
      {
        kind: 'download',
        identity: 'ci-deployer',
        tokenId: 'tok-9',
        userAgent: 'npm/11.1.0',
        view: 'prod',
        name: '@rc/lib',
        version: '1.0.1',
        count: 3,
        lastSeenAt: at('2026-12-06T09:00:00.000Z'),
        suggestion: { name: '@rc/lib', fromVersion: '1.0.1', toVersion: '1.0.0', view: 'prod', command: 'npm install @rc/lib@1.0.0', direct: true },
      },
      {
        kind: 'deployment',
        identity: 'checkout-api',
        environment: 'production',
        deploymentId: 'dep-1',
        view: 'prod',
        name: '@rc/lib',
        version: '1.0.1',
        suggestion: { name: '@rc/lib', fromVersion: '1.0.1', toVersion: '1.0.0', view: 'prod', command: '"overrides": {"@rc/lib": "1.0.0"}', direct: false },
      },
    ],
    suggestions: [{ name: '@rc/lib', fromVersion: '1.0.1', toVersion: '1.0.0', view: 'prod', command: 'npm install @rc/lib@1.0.0', direct: true }],
    ...overrides,
  });
}

/** A finished drill: closed, with the time of each playbook step. */
export function drillCase(): RecallCase {
  return create(RecallCaseSchema, {
    recallId: 'rc-drill-1',
    trigger: RecallTrigger.MANUAL,
    severity: Severity.HIGH,
    reason: 'quarterly drill',
    affected: [{ name: '@rc/lib', version: '1.0.0' }],
    drill: true,
    status: 'closed',
    resolution: RecallResolution.CANCELLED,
    openedBy: 'admin',
    openedAt: at('2026-12-06T11:00:00.000Z'),
    timeToDetectMs: 0,
    timeToContainMs: 38,
    steps: [
      { step: 'match versions', durationMs: 1.4, detail: '1 version' },
      { step: 'plan quarantines', durationMs: 2.75, detail: 'dev warn, staging block, prod block (not applied)' },
      { step: 'blast radius', durationMs: 30.1, detail: '2 downloads, 1 deployment' },
    ],
  });
}

/** The protobuf JSON the gateway answers for a case. */
export const caseJson = (c: RecallCase): JsonValue => toJson(RecallCaseSchema, c);
