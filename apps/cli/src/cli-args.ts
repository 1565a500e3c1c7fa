import { ALERT_SEVERITIES } from '@palisade/contracts';
import { CliError, CliErrorCode } from './cli-error';
import { CONNECTION, connectionOf, parseCommandLine, type Connection, type Options } from './command-line';
import { DLQ_USAGE, parseDlq, type DlqArgs } from './dlq/dlq-args';
import { RECONCILE_USAGE, parseReconcile, type ReconcileArgs } from './reconcile/reconcile-args';

export const VERIFY_USAGE = `usage: palisade verify [--registry <url>] [--lockfile <path>] [--json] [--no-require-attestations]

  Verifies every package of package-lock.json against the registry: registry signatures
  (dist.signatures, as npm audit signatures checks them), Palisade attestations (DSSE signature,
  subject, inclusion in the registry's transparency log) and the promotion attestation of the
  view the package was installed from.

  --registry <url>             registry (view) URL; default: where each package was resolved from
  --lockfile <path>            default: ./package-lock.json
  --json                       print the report as JSON
  --no-require-attestations    packages without attestations do not fail verification`;

export const ADMIN_USAGE = `usage: palisade promote <name>@<version> --to <view> [--reason <text>] [--dry-run]
       palisade approve <name>@<version> --to <view> [--comment <text>]
       palisade status <name>[@<version>]
       palisade policy show [<view>]
       palisade policy apply <file.yaml> [--dry-run] [--comment <text>]

  Promotion between views (dev → staging → prod) through the registry's promotion API.

  --registry <url>   the registry; default: PALISADE_REGISTRY, npm_config_registry, then
                     registry= of ./.npmrc and ~/.npmrc (npm_config_userconfig)
  --token <token>    default: PALISADE_TOKEN, then the .npmrc _authToken of the registry
  --json             print the registry's answer as JSON`;

export const RECALL_USAGE = `usage: palisade recall open <name>@<range> --reason <text> --severity <level> [--view <view>]...
       palisade recall list [<name>] [--status open|contained|closed]
       palisade recall show <recall-id>
       palisade recall waive <recall-id> --view <view> --for <duration> --reason <text>
       palisade recall false-positive <recall-id> --reason <text>
       palisade recall approve <recall-id> <override-id> [--comment <text>]
       palisade recall close <recall-id> --reason <text>
       palisade recall drill <name>@<version> [--reason <text>] [--severity <level>]
       palisade deployment report --service <name> --environment <env> [--view <view>] [--reference <ref>] <lockfile-or-sbom>
       palisade alerts tail [<subject-filter>] [--from-start] [--json] [--interval-ms <n>] [--max <n>]

  Recalls: quarantine versions per view (warn or block, as each view's policy says), see who
  downloaded or deployed them and where to go instead. A waiver (release one view for a time) and
  a false positive (close and release everywhere) take effect once another person approves them.
  A drill runs the whole flow and changes no view.

  --severity <level>   ${ALERT_SEVERITIES.join(', ')} (a drill defaults to high)
  --view <view>        recall open: only these views (repeat it); default every view
  --for <duration>     waiver length: 30m, 24h, 7d, 1h30m (at most 30 days)
  deployment report    sends package-lock.json / pnpm-lock.yaml / yarn.lock as text, or a
                       CycloneDX JSON SBOM; prints the deployment id and the open recalls it hits
  alerts tail          polls the registry's alert log every second (--interval-ms) and prints
                       <time> <subject> <summary> per alert, or each CloudEvent as one JSON line with
                       --json; filter like NATS (alerts.recall.>, alerts.security.critical.*).
                       --from-start first prints the alerts already recorded; --max <n> stops after
                       n alerts (with --from-start, also once the recorded ones are printed); Ctrl-C stops
  --json               print the registry's answer as JSON`;

export const USAGE = `${VERIFY_USAGE}\n\n${ADMIN_USAGE}\n\n${RECALL_USAGE}\n\n${DLQ_USAGE}\n\n${RECONCILE_USAGE}`;

export interface VerifyArgs {
  command: 'verify';
  registry?: string;
  lockfile: string;
  json: boolean;
  requireAttestations: boolean;
}

/** Where the admin commands send their requests (each unset value is looked up later). */
export type { Connection } from './command-line';

const parse = (argv: readonly string[], options: Options, usage: string) => parseCommandLine<Options>(argv, options, usage);

export type AdminArgs =
  | { command: 'promote'; spec: VersionSpec; to: string; reason: string; dryRun: boolean; connection: Connection }
  | { command: 'approve'; spec: VersionSpec; to: string; comment: string; connection: Connection }
  | { command: 'status'; name: string; version: string; connection: Connection }
  | { command: 'policy-show'; view: string; connection: Connection }
  | { command: 'policy-apply'; file: string; dryRun: boolean; comment: string; connection: Connection };

/** Recall, deployment and alert commands (`palisade recall …`, `deployment report`, `alerts tail`). */
export type RecallArgs =
  | { command: 'recall-open'; spec: string; reason: string; severity: string; views: string[]; connection: Connection }
  | { command: 'recall-list'; name: string; status: string; connection: Connection }
  | { command: 'recall-show'; id: string; connection: Connection }
  | { command: 'recall-waive'; id: string; view: string; duration: string; reason: string; connection: Connection }
  | { command: 'recall-false-positive'; id: string; reason: string; connection: Connection }
  | { command: 'recall-approve'; id: string; overrideId: string; comment: string; connection: Connection }
  | { command: 'recall-close'; id: string; reason: string; connection: Connection }
  | { command: 'recall-drill'; spec: string; reason: string; severity: string; connection: Connection }
  | { command: 'deployment-report'; service: string; environment: string; view: string; reference: string; file: string; connection: Connection };

export interface AlertsTailArgs {
  command: 'alerts-tail';
  /** NATS-style subject filter; empty for every alert. */
  filter: string;
  fromStart: boolean;
  intervalMs: number;
  /** Stop after this many alerts (and, with fromStart, once caught up). */
  max?: number;
  connection: Connection;
}

export type CliArgs = VerifyArgs | AdminArgs | RecallArgs | AlertsTailArgs | DlqArgs | ReconcileArgs | { command: 'help'; usage?: string };

export interface VersionSpec {
  name: string;
  version: string;
}


/** `<name>@<version>` (scoped or not); the version is required. */
export function parseVersionSpec(raw: string | undefined, usage: string): VersionSpec {
  const at = raw ? raw.lastIndexOf('@') : -1;
  if (!raw || at <= 0 || at === raw.length - 1) throw new CliError(CliErrorCode.Usage, `expected <name>@<version>, got ${JSON.stringify(raw ?? '')}\n\n${usage}`);
  return { name: raw.slice(0, at), version: raw.slice(at + 1) };
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  switch (command) {
    case 'verify':
      return parseVerify(rest);
    case 'promote':
    case 'approve':
    case 'status':
    case 'policy':
      return parseAdmin(command, rest);
    case 'recall':
      return parseRecall(rest);
    case 'deployment':
      return parseDeployment(rest);
    case 'alerts':
      return parseAlerts(rest);
    case 'dlq':
      return parseDlq(rest);
    case 'reconcile':
      return parseReconcile(rest);
    default:
      throw new CliError(CliErrorCode.Usage, `unknown command ${argv.join(' ')}\n\n${USAGE}`);
  }
}

function parseVerify(argv: readonly string[]): VerifyArgs | { command: 'help' } {
  const { values, positionals } = parse(
    argv,
    { registry: { type: 'string' }, lockfile: { type: 'string' }, json: { type: 'boolean' }, 'require-attestations': { type: 'boolean' }, 'no-require-attestations': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    VERIFY_USAGE,
  );
  if (values.help) return { command: 'help' };
  if (positionals.length > 0) throw new CliError(CliErrorCode.Usage, `unknown command verify ${positionals.join(' ')}\n\n${VERIFY_USAGE}`);
  const { registry } = connectionOf(values);
  return {
    command: 'verify',
    ...(registry !== undefined ? { registry } : {}),
    lockfile: typeof values.lockfile === 'string' ? values.lockfile : 'package-lock.json',
    json: values.json === true,
    requireAttestations: values['no-require-attestations'] !== true && values['require-attestations'] !== false,
  };
}

function parseAdmin(command: 'promote' | 'approve' | 'status' | 'policy', argv: readonly string[]): AdminArgs | { command: 'help' } {
  const { values, positionals } = parse(
    argv,
    { ...CONNECTION, to: { type: 'string' }, reason: { type: 'string' }, comment: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    ADMIN_USAGE,
  );
  if (values.help) return { command: 'help' };
  const connection = connectionOf(values);
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const refuse = (what: string): never => {
    throw new CliError(CliErrorCode.Usage, `${what}\n\n${ADMIN_USAGE}`);
  };
  const only = (allowed: readonly string[]) => {
    const extra = ['to', 'reason', 'comment', 'dry-run'].filter((o) => values[o] !== undefined && !allowed.includes(o));
    if (extra.length > 0) refuse(`${command} does not take --${extra.join(', --')}`);
  };
  switch (command) {
    case 'promote':
    case 'approve': {
      if (positionals.length !== 1) refuse(`${command} takes one <name>@<version>`);
      const spec = parseVersionSpec(positionals[0], ADMIN_USAGE);
      const to = str('to') || refuse(`${command} needs --to <view>`);
      if (command === 'promote') {
        only(['to', 'reason', 'dry-run']);
        return { command, spec, to, reason: str('reason'), dryRun: values['dry-run'] === true, connection };
      }
      only(['to', 'comment']);
      return { command, spec, to, comment: str('comment'), connection };
    }
    case 'status': {
      only([]);
      if (positionals.length !== 1) refuse('status takes one <name> or <name>@<version>');
      const target = positionals[0];
      const at = target.lastIndexOf('@');
      return at > 0 ? { command, name: target.slice(0, at), version: target.slice(at + 1), connection } : { command, name: target, version: '', connection };
    }
    case 'policy': {
      const [verb, argument, ...more] = positionals;
      if (verb === 'show') {
        only([]);
        if (more.length > 0) refuse('policy show takes at most one <view>');
        return { command: 'policy-show', view: argument ?? '', connection };
      }
      if (verb === 'apply') {
        only(['dry-run', 'comment']);
        if (!argument || more.length > 0) refuse('policy apply takes one <file.yaml>');
        return { command: 'policy-apply', file: argument as string, dryRun: values['dry-run'] === true, comment: str('comment'), connection };
      }
      return refuse(`unknown command policy ${positionals.join(' ')}`);
    }
  }
}

const RECALL_STATUSES = ['open', 'contained', 'closed'] as const;
/** Whole seconds, or units: `90m`, `24h`, `7d`, `1h30m` (the registry's waiver durations). */
const DURATION = /^(?:\d+|(?:\d+[dhms])+)$/;
const RECALL_OPTIONS = ['reason', 'severity', 'view', 'status', 'for', 'comment'] as const;

/** Options, positionals and the helpers every recall-style command uses to check them. */
function recallParser(argv: readonly string[], options: Options, allOptions: readonly string[], usage: string) {
  const { values, positionals } = parse(argv, { ...CONNECTION, ...options }, usage);
  const connection = connectionOf(values);
  const refuse = (what: string): never => {
    throw new CliError(CliErrorCode.Usage, `${what}\n\n${usage}`);
  };
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as string[]) : []);
  return {
    help: values.help === true,
    values,
    positionals,
    connection,
    refuse,
    str,
    list,
    /** The option's value; refuses the command (`sub`) without it. */
    required: (sub: string, name: string, what = `<${name}>`) => str(name) || refuse(`${sub} needs --${name} ${what}`),
    /** Refuses options the command does not take. */
    only: (sub: string, allowed: readonly string[]) => {
      const extra = allOptions.filter((o) => values[o] !== undefined && !allowed.includes(o));
      if (extra.length > 0) refuse(`${sub} does not take --${extra.join(', --')}`);
    },
  };
}

function checkSeverity(severity: string, refuse: (what: string) => never): string {
  const level = severity.toLowerCase();
  return (ALERT_SEVERITIES as readonly string[]).includes(level) ? level : refuse(`--severity must be one of ${ALERT_SEVERITIES.join(', ')} (got ${JSON.stringify(severity)})`);
}

/** `<name>@<range>`, scoped or not: both parts required. */
function checkSpec(raw: string | undefined, what: string, refuse: (what: string) => never): string {
  const at = raw ? raw.lastIndexOf('@') : -1;
  if (!raw || at <= 0 || at === raw.length - 1) refuse(`expected ${what}, got ${JSON.stringify(raw ?? '')}`);
  return raw as string;
}

function parseRecall(argv: readonly string[]): RecallArgs | { command: 'help'; usage: string } {
  const p = recallParser(
    argv,
    { reason: { type: 'string' }, severity: { type: 'string' }, view: { type: 'string', multiple: true }, status: { type: 'string' }, for: { type: 'string' }, comment: { type: 'string' } },
    RECALL_OPTIONS,
    RECALL_USAGE,
  );
  if (p.help) return { command: 'help', usage: RECALL_USAGE };
  const [verb, ...args] = p.positionals;
  const { connection, refuse } = p;
  const oneId = (sub: string) => {
    if (args.length !== 1) refuse(`recall ${sub} takes one <recall-id>`);
    return args[0];
  };
  switch (verb) {
    case 'open': {
      p.only('recall open', ['reason', 'severity', 'view']);
      if (args.length !== 1) refuse('recall open takes one <name>@<range>');
      const spec = checkSpec(args[0], '<name>@<range>', refuse);
      const reason = p.required('recall open', 'reason', '<text>');
      const severity = checkSeverity(p.required('recall open', 'severity', '<level>'), refuse);
      return { command: 'recall-open', spec, reason, severity, views: [...new Set(p.list('view'))], connection };
    }
    case 'list': {
      p.only('recall list', ['status']);
      if (args.length > 1) refuse('recall list takes at most one <name>');
      const status = p.str('status');
      if (status && !(RECALL_STATUSES as readonly string[]).includes(status)) refuse(`--status must be one of ${RECALL_STATUSES.join(', ')}`);
      return { command: 'recall-list', name: args[0] ?? '', status, connection };
    }
    case 'show':
      p.only('recall show', []);
      return { command: 'recall-show', id: oneId('show'), connection };
    case 'waive': {
      p.only('recall waive', ['view', 'for', 'reason']);
      const id = oneId('waive');
      const views = p.list('view');
      if (views.length !== 1) refuse('recall waive needs one --view <view>');
      const duration = p.required('recall waive', 'for', '<duration>');
      if (!DURATION.test(duration)) refuse(`--for must be a duration such as 30m, 24h, 7d or 1h30m (got ${JSON.stringify(duration)})`);
      return { command: 'recall-waive', id, view: views[0], duration, reason: p.required('recall waive', 'reason', '<text>'), connection };
    }
    case 'false-positive':
      p.only('recall false-positive', ['reason']);
      return { command: 'recall-false-positive', id: oneId('false-positive'), reason: p.required('recall false-positive', 'reason', '<text>'), connection };
    case 'approve':
      p.only('recall approve', ['comment']);
      if (args.length !== 2) refuse('recall approve takes <recall-id> <override-id>');
      return { command: 'recall-approve', id: args[0], overrideId: args[1], comment: p.str('comment'), connection };
    case 'close':
      p.only('recall close', ['reason']);
      return { command: 'recall-close', id: oneId('close'), reason: p.required('recall close', 'reason', '<text>'), connection };
    case 'drill': {
      p.only('recall drill', ['reason', 'severity']);
      if (args.length !== 1) refuse('recall drill takes one <name>@<version>');
      const spec = checkSpec(args[0], '<name>@<version>', refuse);
      const severity = checkSeverity(p.str('severity') || 'high', refuse);
      return { command: 'recall-drill', spec, reason: p.str('reason') || 'recall drill', severity, connection };
    }
    default:
      return refuse(verb === undefined ? 'recall needs a command' : `unknown command recall ${p.positionals.join(' ')}`);
  }
}

const DEPLOYMENT_OPTIONS = ['service', 'environment', 'view', 'reference'] as const;

function parseDeployment(argv: readonly string[]): RecallArgs | { command: 'help'; usage: string } {
  const p = recallParser(
    argv,
    { service: { type: 'string' }, environment: { type: 'string' }, view: { type: 'string' }, reference: { type: 'string' } },
    DEPLOYMENT_OPTIONS,
    RECALL_USAGE,
  );
  if (p.help) return { command: 'help', usage: RECALL_USAGE };
  const [verb, ...args] = p.positionals;
  if (verb !== 'report') return p.refuse(verb === undefined ? 'deployment needs a command' : `unknown command deployment ${p.positionals.join(' ')}`);
  if (args.length !== 1) p.refuse('deployment report takes one <lockfile-or-sbom> path');
  return {
    command: 'deployment-report',
    service: p.required('deployment report', 'service', '<name>'),
    environment: p.required('deployment report', 'environment', '<env>'),
    view: p.str('view'),
    reference: p.str('reference'),
    file: args[0],
    connection: p.connection,
  };
}

const ALERT_FILTER = /^alerts(\.([a-z0-9]+(-[a-z0-9]+)*|\*))*(\.>)?$/;

function wholeNumber(raw: string, option: string, min: number, refuse: (what: string) => never): number {
  const n = Number(raw);
  return /^\d+$/.test(raw) && n >= min && n <= 86_400_000 ? n : refuse(`--${option} must be a whole number of at least ${min} (got ${JSON.stringify(raw)})`);
}

function parseAlerts(argv: readonly string[]): AlertsTailArgs | { command: 'help'; usage: string } {
  const p = recallParser(argv, { 'from-start': { type: 'boolean' }, 'interval-ms': { type: 'string' }, max: { type: 'string' } }, ['from-start', 'interval-ms', 'max'], RECALL_USAGE);
  if (p.help) return { command: 'help', usage: RECALL_USAGE };
  const [verb, ...args] = p.positionals;
  if (verb !== 'tail') return p.refuse(verb === undefined ? 'alerts needs a command' : `unknown command alerts ${p.positionals.join(' ')}`);
  if (args.length > 1) p.refuse('alerts tail takes at most one <subject-filter>');
  const filter = args[0] ?? '';
  if (filter && !ALERT_FILTER.test(filter)) p.refuse(`${JSON.stringify(filter)} is not an alert subject filter (alerts.<area>.<severity>.<kind>, with * or a final >)`);
  const max = p.str('max');
  return {
    command: 'alerts-tail',
    filter,
    fromStart: p.values['from-start'] === true,
    intervalMs: p.str('interval-ms') ? wholeNumber(p.str('interval-ms'), 'interval-ms', 10, p.refuse) : 1_000,
    ...(max ? { max: wholeNumber(max, 'max', 1, p.refuse) } : {}),
    connection: p.connection,
  };
}
