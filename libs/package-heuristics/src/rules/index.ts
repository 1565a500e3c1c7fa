import type { RuleDescription } from '../types';
import { aiCliRules } from './ai-cli.rule';
import { clipperRules } from './clipper.rule';
import { destructiveRules } from './destructive.rule';
import { dropperRules } from './dropper.rule';
import { exfiltrationRules } from './exfiltration.rule';
import { installCapabilityRules } from './install-capabilities.rule';
import { installScriptRules } from './install-scripts.rule';
import { integrityRules } from './integrity.rule';
import { nativeBinaryRules } from './native-binary.rule';
import { obfuscationRules } from './obfuscation.rule';
import type { RuleFamily } from './rule';
import { typosquatRules } from './typosquat.rule';
import { wormRules } from './worm.rule';

export const RULE_FAMILIES: readonly RuleFamily[] = [
  installScriptRules,
  installCapabilityRules,
  exfiltrationRules,
  dropperRules,
  obfuscationRules,
  wormRules,
  destructiveRules,
  clipperRules,
  aiCliRules,
  nativeBinaryRules,
  typosquatRules,
  integrityRules,
];

export const RULES: readonly RuleDescription[] = RULE_FAMILIES.flatMap((family) => family.rules);
