import { PalisadeError } from '@palisade/errors';

/** One wrong or missing variable. The message never contains the value of a secret variable. */
export interface ConfigProblem<V extends string = string> {
  readonly variable: V;
  readonly message: string;
}

/**
 * The environment does not describe a runnable service. Thrown once with every problem listed, so
 * an operator fixes the whole deployment in one round instead of one variable per restart.
 */
export class ConfigError extends PalisadeError<'CONFIG_INVALID'> {
  constructor(readonly problems: readonly ConfigProblem[]) {
    const lines = problems.map((p) => `  ${p.variable}: ${p.message}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super('CONFIG_INVALID', `Invalid configuration (${count}):\n${lines.join('\n')}`);
  }
}

/** The shape itself is wrong (a programming mistake, not an operator one). */
export class ConfigDefinitionError extends PalisadeError<'CONFIG_DEFINITION_INVALID'> {
  constructor(message: string) {
    super('CONFIG_DEFINITION_INVALID', message);
  }
}
