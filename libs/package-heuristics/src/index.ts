export { analyzePackage } from './analyze-package';
export { readPackageFiles } from './read-package-files';
export type { ReadLimits } from './read-package-files';
export { HeuristicsError, HeuristicsErrorCode } from './heuristics-error';
export { RULES } from './rules';
export { HEURISTIC_SEVERITIES } from './types';
export type {
  HeuristicCategory,
  HeuristicEvidence,
  HeuristicFinding,
  HeuristicSeverity,
  HeuristicVerdict,
  HeuristicsInput,
  HeuristicsReport,
  PackageFile,
  PackageSnapshot,
  RuleDescription,
} from './types';
