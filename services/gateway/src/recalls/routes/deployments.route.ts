import { Inject, Injectable } from '@nestjs/common';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Commands, encodeMessage } from '@palisade/contracts';
import { isPalisadeError } from '@palisade/errors';
import { parseLockfile, type ParsedLockfile } from '@palisade/lockfiles';
import { RegistryHttpError } from '../../http/registry-errors';
import type { RegistryReply, RegistryRequest, RegistryRoute } from '../../http/registry-request';
import { isRecord } from '../../packages/domain/json-shapes';
import { RecallAccess } from '../recall-access';
import { RecallClient } from '../recall-client';
import { deploymentJson } from '../recall-json';
import { boundedString, knownView, objectBody } from './recall-body';
import type { GatewaySettings } from '../../gateway.config';
import { GATEWAY_SETTINGS } from '../../packages/application/gateway-settings.provider';

/** Commands ride the bus in one message; NATS refuses payloads over 1 MiB by default. */
export const MAX_REPORT_BYTES = 900 * 1024;

type ReportInit = MessageInitShape<typeof Commands.recallReportDeployment.request>;
interface DeployedPackage {
  name: string;
  version: string;
  direct: boolean;
  integrity: string;
}

interface Report {
  service: string;
  environment: string;
  view: string;
  reference: string;
  format: string;
  reportedBy: { principal: string; tokenId: string };
}

/**
 * `POST /-/palisade/v1/deployments` `{ "service", "environment", "view"?, "reference"?, "filename"?,
 * and "lockfile": <text or JSON> or "sbom": <CycloneDX JSON> }` (any valid token; CI tokens are often
 * read-only): records what a deployment contains, for recall blast radius. The lockfile is parsed
 * here (npm v2/v3, pnpm, yarn classic and berry, CycloneDX); `view` defaults to the view of the URL.
 * 201 `{ deploymentId, packages, affectedBy }`, `affectedBy` naming open cases that hit it already.
 */
@Injectable()
export class DeploymentReportRoute implements RegistryRoute {
  readonly method = 'POST';
  readonly pattern = /^\/-\/palisade\/v1\/deployments$/;

  constructor(
    private readonly recalls: RecallClient,
    private readonly access: RecallAccess,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  async handle(request: RegistryRequest): Promise<RegistryReply> {
    const principal = await this.access.caller(request, 'report a deployment');
    const body = objectBody(request.body);
    const service = boundedString(body, 'service', 200, true);
    const environment = boundedString(body, 'environment', 100, true);
    const reference = boundedString(body, 'reference', 2_000);
    const view = knownView(boundedString(body, 'view', 100) || request.view, this.settings.views);
    const filename = boundedString(body, 'filename', 255);
    const parsed = parse(body, filename);
    const packages: DeployedPackage[] = parsed.packages.map((p) => ({ name: p.name, version: p.version, direct: p.direct, integrity: p.integrity ?? '' }));
    const report: Report = {
      service,
      environment,
      view,
      reference,
      format: parsed.format,
      reportedBy: { principal: principal.user, tokenId: principal.tokenId },
    };
    const recorded = await this.recalls.reportDeployment(fitted(report, packages));
    return { status: 201, headers: { 'cache-control': 'no-store' }, body: deploymentJson(recorded) };
  }
}

/** Exactly one of `lockfile` (text, or a JSON lockfile as an object) and `sbom` (CycloneDX JSON). */
function parse(body: Record<string, unknown>, filename: string): ParsedLockfile {
  const { lockfile, sbom } = body;
  if ((lockfile === undefined) === (sbom === undefined)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'send exactly one of lockfile (its text, or a JSON lockfile) and sbom (a CycloneDX JSON document)');
  let content: string;
  if (sbom !== undefined) {
    if (!isRecord(sbom)) throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'sbom must be a CycloneDX JSON document (an object)');
    content = JSON.stringify(sbom);
  } else if (typeof lockfile === 'string') {
    content = lockfile;
  } else if (isRecord(lockfile)) {
    content = JSON.stringify(lockfile);
  } else {
    throw new RegistryHttpError('PAL_ERR_BAD_REQUEST', 'lockfile must be the lockfile’s text, or a JSON lockfile as an object');
  }
  let parsed: ParsedLockfile;
  try {
    parsed = parseLockfile(content, filename ? { filename } : {});
  } catch (e: unknown) {
    if (isPalisadeError(e) && e.code === 'LOCKFILE_UNSUPPORTED') throw new RegistryHttpError('PAL_ERR_LOCKFILE_UNSUPPORTED', e.message, { cause: e });
    if (isPalisadeError(e) && e.code === 'LOCKFILE_INVALID') throw new RegistryHttpError('PAL_ERR_LOCKFILE_INVALID', e.message, { cause: e });
    throw e;
  }
  if (sbom !== undefined && parsed.format !== 'cyclonedx') throw new RegistryHttpError('PAL_ERR_LOCKFILE_UNSUPPORTED', `sbom must be CycloneDX JSON (this is ${parsed.format}); send lockfiles as lockfile`);
  return parsed;
}

/**
 * The report as one bus message: a very large tree is sent without integrities (names and versions
 * are what blast radius needs), and one that is still too large is refused with 413.
 */
function fitted(report: Report, packages: readonly DeployedPackage[]): ReportInit {
  const full: ReportInit = { ...report, packages: [...packages] };
  if (encodeMessage(Commands.recallReportDeployment.request, full).length <= MAX_REPORT_BYTES) return full;
  const slim: ReportInit = { ...report, packages: packages.map((p) => ({ ...p, integrity: '' })) };
  if (encodeMessage(Commands.recallReportDeployment.request, slim).length <= MAX_REPORT_BYTES) return slim;
  throw new RegistryHttpError('PAL_ERR_TOO_LARGE', `the deployment lists ${packages.length} packages, more than one report can carry`);
}
