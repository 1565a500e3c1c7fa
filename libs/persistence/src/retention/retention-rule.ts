/** One table whose rows may be deleted once they are older than what the rule keeps. */
export interface RetentionRule {
  /** Table in the service's own schema; also the `table` label of the deleted-rows counter. */
  readonly table: string;
  /** How long rows are kept, in ms; `undefined` keeps them forever (the rule deletes nothing). */
  readonly keepMs: number | undefined;
  /**
   * SQL predicate of the rows that may go, on the table aliased `t`; `$1` is the cutoff
   * (now − keepMs). `schema` is the quoted schema, for rules that look at other tables. The
   * predicate is checked again on the row being deleted, so a row changed meanwhile (a download
   * seen again) is kept.
   */
  readonly expired: (schema: string) => string;
}

/** One bounded DELETE of a plan: at most `batchSize` rows of `table` older than the cutoff. */
export interface RetentionStatement {
  readonly table: string;
  readonly sql: string;
  readonly params: readonly [cutoff: Date, batchSize: number];
}

export interface RetentionPlanOptions {
  /** The quoted schema the tables live in (`quotedSchemaOf(dataSource)`). */
  readonly schema: string;
  readonly now: Date;
  /** Rows per statement: small enough that no statement holds its row locks for long. */
  readonly batchSize: number;
}

export const DAY_MS = 86_400_000;

/** Days from a setting to a rule's `keepMs`: 0 means keep forever. */
export function keepForDays(days: number): number | undefined {
  return days > 0 ? days * DAY_MS : undefined;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The statements a run executes, in the rules' order (children before the rows they reference).
 * Rows are chosen by `ctid` in a sub-select with a LIMIT, so each statement deletes a bounded
 * batch and takes its locks only for as long as that batch.
 */
export function planRetention(rules: readonly RetentionRule[], options: RetentionPlanOptions): RetentionStatement[] {
  if (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1) throw new Error(`retention batch size must be a whole number of at least 1, got ${options.batchSize}`);
  const seen = new Set<string>();
  const statements: RetentionStatement[] = [];
  for (const rule of rules) {
    if (!IDENTIFIER.test(rule.table)) throw new Error(`retention table must be a plain lower-case identifier, got ${JSON.stringify(rule.table)}`);
    if (seen.has(rule.table)) throw new Error(`retention table ${rule.table} has two rules`);
    seen.add(rule.table);
    if (rule.keepMs === undefined) continue;
    if (!Number.isFinite(rule.keepMs) || rule.keepMs <= 0) throw new Error(`retention of ${rule.table} must be a positive duration, got ${rule.keepMs}`);
    const expired = rule.expired(options.schema);
    const table = `${options.schema}.${rule.table}`;
    statements.push({
      table: rule.table,
      sql: `DELETE FROM ${table} t WHERE t.ctid = ANY(ARRAY(SELECT t.ctid FROM ${table} t WHERE ${expired} LIMIT $2)) AND (${expired})`,
      params: [new Date(options.now.getTime() - rule.keepMs), options.batchSize],
    });
  }
  return statements;
}
