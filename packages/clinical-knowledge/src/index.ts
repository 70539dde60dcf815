export { buildChart, type Chart, type Medication } from './chart/chart.js';
export { ckdEpi2021 } from './chart/kidney-function.js';
export { type ClassId, DRUG_CLASSES } from './data/drug-classes.js';
export { INTERACTIONS, type Interaction } from './data/interactions.js';
export { type KnowledgeSource, SOURCES } from './data/sources.js';
export { type EvaluateOptions, evaluate } from './evaluate.js';
export { dailyMme, MME_THRESHOLDS, type MmeResult, totalMme } from './opioid/mme.js';
export { applyActions, evaluateActions, PROPOSED_REF_PREFIX, type ProposedChart } from './proposals.js';
export {
  allergyConflict,
  asMedication,
  drugsNamedIn,
  type InteractionAnswer,
  interactionBetween,
} from './queries.js';
export { RULES } from './rules/index.js';
export type { Rule } from './rules/rule.js';
export { KNOWLEDGE_VERSION } from './version.js';
export { type DrugIdentity, identifyDrug, RXNORM_SYSTEM } from './vocabulary/identify-drug.js';
export { ingredientsNamedIn, PRESCRIBABLE_DRUGS } from './vocabulary/name-index.js';
