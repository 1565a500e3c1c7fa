/** How one affected version is treated in one view. */
export const ENFORCEMENT_STATES = ['planned', 'enforced', 'waived', 'released'] as const;
export type EnforcementState = (typeof ENFORCEMENT_STATES)[number];

/**
 * A case is contained when the gateway has confirmed every quarantine it planned: no row is
 * still `planned` (waived and released rows were decided by people and count as settled). A
 * case with no row at all is not contained.
 */
export function isContained(states: readonly EnforcementState[]): boolean {
  return states.length > 0 && states.every((state) => state !== 'planned');
}

/** Rows still serving a quarantine (or about to). */
export function isQuarantining(state: EnforcementState): boolean {
  return state === 'planned' || state === 'enforced';
}
