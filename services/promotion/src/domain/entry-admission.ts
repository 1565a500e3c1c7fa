/**
 * The entry view's rule until scanning, signing and versioned policies exist: every version that
 * ingest validated and recorded is admitted to the entry view. Policy version 0 names this rule.
 */
export const ENTRY_POLICY_VERSION = 0;
export const ENTRY_ADMISSION_REASON = 'ingested and validated; entry view admits every recorded version (no entry policy yet)';
