import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AdminArgs } from '../cli-args';
import { CliError, CliErrorCode } from '../cli-error';
import { AdminClient } from './admin-client';
import { formatApplied, formatPolicy, formatPromotion, formatStatus, type ApplyAnswer, type PolicyAnswer, type PromotionAnswer, type StatusAnswer } from './format';
import { resolveConnection, type ConfigSources } from './registry-config';

/** Runs one admin command; answers what to print (the registry's JSON with `--json`). */
export async function runAdminCommand(args: AdminArgs, sources: ConfigSources): Promise<string> {
  const client = new AdminClient(await resolveConnection(args.connection, sources));
  const show = <T>(answer: unknown, format: (a: T) => string) => (args.connection.json ? JSON.stringify(answer, null, 2) : format(answer as T));
  switch (args.command) {
    case 'promote':
      return show<PromotionAnswer>(await client.promote(args.spec.name, args.spec.version, { to: args.to, reason: args.reason, dryRun: args.dryRun }), formatPromotion);
    case 'approve':
      return show<PromotionAnswer>(await client.approve(args.spec.name, args.spec.version, { to: args.to, comment: args.comment }), formatPromotion);
    case 'status':
      return show<StatusAnswer>(await client.status(args.name, args.version), formatStatus);
    case 'policy-show':
      return show<PolicyAnswer>(await client.showPolicy(args.view), formatPolicy);
    case 'policy-apply': {
      let policy: string;
      try {
        policy = await readFile(resolve(sources.cwd, args.file), 'utf8');
      } catch (e: unknown) {
        throw new CliError(CliErrorCode.Usage, `cannot read ${args.file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      return show<ApplyAnswer>(await client.applyPolicy({ policy, dryRun: args.dryRun, comment: args.comment }), (a) => formatApplied(a, args.file));
    }
  }
}
