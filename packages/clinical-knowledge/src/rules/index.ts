import { ageRule } from './age.js';
import { allergyRule } from './allergy.js';
import { deceasedRule } from './deceased.js';
import { interactionRule } from './interactions.js';
import { OPIOID_RULES } from './opioid-rules.js';
import { digoxinCyclosporineRule } from './pddi-digoxin-cyclosporine.js';
import { warfarinNsaidsRule } from './pddi-warfarin-nsaids.js';
import { renalRule } from './renal.js';
import type { Rule } from './rule.js';
import { unidentifiedRule } from './unidentified.js';

/** Every rule, in the order their findings are produced (severity decides the order they are shown in). */
export const RULES: readonly Rule[] = [
  deceasedRule,
  allergyRule,
  warfarinNsaidsRule,
  digoxinCyclosporineRule,
  interactionRule,
  ...OPIOID_RULES,
  renalRule,
  ageRule,
  unidentifiedRule,
];
