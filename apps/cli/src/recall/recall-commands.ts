import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AdminClient } from '../admin/admin-client';
import { resolveConnection, type ConfigSources } from '../admin/registry-config';
import type { RecallArgs } from '../cli-args';
import { CliError, CliErrorCode } from '../cli-error';
import {
  deploymentAnswerOf,
  formatChange,
  formatDeployment,
  formatDrill,
  formatOpened,
  formatRecall,
  formatRecallList,
  newestOverride,
  recallCaseOf,
  recallCasesOf,
} from './recall-format';

/** Runs one recall or deployment command; answers what to print (the registry's JSON with `--json`). */
export async function runRecallCommand(args: RecallArgs, sources: ConfigSources): Promise<string> {
  const client = new AdminClient(await resolveConnection(args.connection, sources));
  const json = args.connection.json;
  // The answer is checked (a case must parse as a RecallCase) before it is printed, JSON or not.
  const show = <T>(answer: unknown, parse: (json: unknown) => T, format: (a: T) => string) => {
    const parsed = parse(answer);
    return json ? JSON.stringify(answer, null, 2) : format(parsed);
  };
  switch (args.command) {
    case 'recall-open':
      return show(
        await client.openRecall({ spec: args.spec, reason: args.reason, severity: args.severity, ...(args.views.length > 0 ? { views: args.views } : {}) }),
        recallCaseOf,
        formatOpened,
      );
    case 'recall-drill':
      return show(await client.openRecall({ spec: args.spec, reason: args.reason, severity: args.severity, drill: true }), recallCaseOf, formatDrill);
    case 'recall-list':
      return show(await client.listRecalls(args.name, args.status), recallCasesOf, formatRecallList);
    case 'recall-show':
      return show(await client.showRecall(args.id), recallCaseOf, formatRecall);
    case 'recall-waive':
      return show(await client.requestOverride(args.id, { kind: 'waiver', view: args.view, duration: args.duration, reason: args.reason }), recallCaseOf, (c) => {
        const waiver = newestOverride(c, 'waiver');
        return formatChange(
          `waiver ${waiver?.id ?? '?'} of ${args.view} for ${args.duration} requested; it takes effect once another person runs: palisade recall approve ${c.recallId} ${waiver?.id ?? '<override-id>'}`,
          c,
        );
      });
    case 'recall-false-positive':
      return show(await client.requestOverride(args.id, { kind: 'false-positive', reason: args.reason }), recallCaseOf, (c) => {
        const fp = newestOverride(c, 'false-positive');
        return formatChange(
          `false-positive close ${fp?.id ?? '?'} requested; it closes the case and releases every view once another person runs: palisade recall approve ${c.recallId} ${fp?.id ?? '<override-id>'}`,
          c,
        );
      });
    case 'recall-approve':
      return show(await client.approveOverride(args.id, args.overrideId, args.comment), recallCaseOf, (c) => {
        const approved = c.overrides.find((o) => o.id === args.overrideId);
        const what = approved ? (approved.kind === 'waiver' ? `waiver of ${approved.view}` : approved.kind) : 'override';
        return formatChange(`override ${args.overrideId} (${what}) approved${approved && approved.state !== 'approved' ? `; it is now ${approved.state}` : ''}`, c);
      });
    case 'recall-close':
      return show(await client.closeRecall(args.id, args.reason), recallCaseOf, (c) => formatChange(`closed recall ${c.recallId}; its quarantines stay in force`, c));
    case 'deployment-report': {
      const body = await deploymentBody(resolve(sources.cwd, args.file));
      const answer = await client.reportDeployment({
        service: args.service,
        environment: args.environment,
        ...(args.view ? { view: args.view } : {}),
        ...(args.reference ? { reference: args.reference } : {}),
        ...body,
      });
      return show(answer, deploymentAnswerOf, (a) => formatDeployment(a, args.service, args.environment));
    }
  }
}

/**
 * A CycloneDX JSON SBOM goes as `sbom` (parsed); anything else (a lockfile) as `lockfile` text.
 * The file name goes along: it tells the registry a pnpm-lock.yaml from a yarn.lock.
 */
export async function deploymentBody(path: string): Promise<{ filename: string } & ({ sbom: unknown } | { lockfile: string })> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    throw new CliError(CliErrorCode.Usage, `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const sbom = cycloneDx(text);
  const filename = basename(path);
  return sbom === undefined ? { filename, lockfile: text } : { filename, sbom };
}

function cycloneDx(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && (json as { bomFormat?: unknown }).bomFormat === 'CycloneDX' ? json : undefined;
  } catch {
    return undefined;
  }
}
