import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for messages a CLI prints on either. */
  output: string;
}

export interface RunCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Answers typed at prompts, each once its prompt text has appeared: CLIs such as npm read a
   * prompt's answer only after printing it and lose lines piped ahead of time.
   */
  prompts?: ReadonlyArray<readonly [prompt: string, answer: string]>;
  /** Called with the output so far whenever it grows (to act while the command waits). */
  onOutput?: (output: string) => void;
  timeoutMs?: number;
}

/** Runs a command to its end and collects its output; never rejects on a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const prompts = [...(options.prompts ?? [])];
  let stdout = '';
  let stderr = '';
  let seen = 0;
  const onData = () => {
    const output = stdout + stderr;
    while (prompts.length > 0) {
      const at = output.indexOf(prompts[0][0], seen);
      if (at < 0) break;
      seen = at + prompts[0][0].length;
      child.stdin.write(`${(prompts.shift() as readonly [string, string])[1]}\n`);
    }
    options.onOutput?.(output);
  };
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), onData()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), onData()));
  if (!options.prompts && !options.onOutput) child.stdin.end();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}
