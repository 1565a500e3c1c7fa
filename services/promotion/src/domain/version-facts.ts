import type { SeverityName, SourceName, VerdictName } from './policy';

/** What ingest recorded: the bytes (integrity) and where and when the version came from. */
export interface IngestedFacts {
  integrity: string;
  source: SourceName;
  /** Principal who published it; undefined for upstream versions. */
  publisher?: string;
  /** Publication time (upstream's for upstream versions): minimum ages count from it. */
  publishedAt: Date;
  /** Lifecycle scripts npm runs on install (`preinstall`, `install`, `postinstall`, node-gyp). */
  installScripts: readonly string[];
  hasProvenance: boolean;
}

export interface ScanFacts {
  /** The bytes that were scanned; a verdict about other bytes does not count. */
  integrity: string;
  verdict: VerdictName;
  vulnRisk: number;
  malwareRisk: number;
  /** Highest severity among the findings; undefined without findings. */
  maxSeverity?: SeverityName;
  /** The most severe findings, one line each, for reasons shown to people. */
  findings: readonly string[];
  scannedAt: Date;
}

export interface SignatureFacts {
  integrity: string;
  signedAt: Date;
}

/** Everything the promotion service has heard about one version; events arrive in any order. */
export interface VersionFacts {
  name: string;
  version: string;
  ingested?: IngestedFacts;
  scan?: ScanFacts;
  signature?: SignatureFacts;
  unpublishedAt?: Date;
}

/** The scan, when it is about the ingested bytes. */
export function scanOf(facts: VersionFacts): ScanFacts | undefined {
  return facts.ingested && facts.scan?.integrity === facts.ingested.integrity ? facts.scan : undefined;
}

/** The registry signature, when it is over the ingested bytes. */
export function signatureOf(facts: VersionFacts): SignatureFacts | undefined {
  return facts.ingested && facts.signature?.integrity === facts.ingested.integrity ? facts.signature : undefined;
}

/** True when the latest scan of these bytes says `block`: no view may keep the version. */
export function isBlocked(facts: VersionFacts): boolean {
  return scanOf(facts)?.verdict === 'block';
}

export function blockReason(scan: ScanFacts): string {
  return `scan verdict is block${scan.findings.length > 0 ? `: ${scan.findings.join('; ')}` : ''}`;
}

const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall'] as const;

/** The install-time scripts of a recorded manifest (JSON); a `gypfile` build counts as one. */
export function installScriptsOf(manifestJson: string): string[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestJson);
  } catch {
    return [];
  }
  if (typeof manifest !== 'object' || manifest === null) return [];
  const { scripts, gypfile } = manifest as { scripts?: unknown; gypfile?: unknown };
  const hooks = typeof scripts === 'object' && scripts !== null ? INSTALL_HOOKS.filter((hook) => typeof (scripts as Record<string, unknown>)[hook] === 'string') : [];
  return gypfile === true && !hooks.includes('install') ? [...hooks, 'install (node-gyp)'] : [...hooks];
}
