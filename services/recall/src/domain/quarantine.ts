import { QuarantineMode } from '@palisade/contracts';
import { severityName } from './severity';

/**
 * How a view shows a recalled version: the mode its policy declares, or by default a warning in
 * the entry view (the first) and a block everywhere else.
 */
export function quarantineModeFor(view: string, views: readonly string[], declared: ReadonlyArray<{ view: string; mode: QuarantineMode }>): QuarantineMode {
  const mode = declared.find((d) => d.view === view)?.mode;
  if (mode === QuarantineMode.WARN || mode === QuarantineMode.BLOCK) return mode;
  return views[0] === view ? QuarantineMode.WARN : QuarantineMode.BLOCK;
}

export function modeWord(mode: QuarantineMode): 'warn' | 'block' | 'unspecified' {
  return mode === QuarantineMode.WARN ? 'warn' : mode === QuarantineMode.BLOCK ? 'block' : 'unspecified';
}

/**
 * The message clients see (npm prints it as a deprecation warning, or as the refusal):
 * `Palisade recall RC-XXXXXXXX (high): <reason>. Use <name>@<x.y.z> instead.`
 */
export function quarantineReason(input: { recallId: string; severity: number; reason: string; name: string; to?: string }): string {
  const reason = input.reason.trim().replace(/[.\s]+$/, '');
  const use = input.to ? ` Use ${input.name}@${input.to} instead.` : '';
  return `Palisade recall ${input.recallId} (${severityName(input.severity)}): ${reason}.${use}`;
}
