import { createHash } from 'node:crypto';
import { AGE_LIMITS } from './data/age-limits.js';
import { CONCEPT_SETS } from './data/clinical-codes.js';
import { CROSS_REACTIVITY } from './data/cross-reactivity.js';
import { DRUG_CLASSES } from './data/drug-classes.js';
import { OTHER_INGREDIENTS, OTHER_NAMES } from './data/drug-names.js';
import { INTERACTIONS } from './data/interactions.js';
import { RENAL_LIMITS } from './data/renal-limits.js';
import { SOURCES, VALUE_SETS } from './generated/value-sets.js';
import { RULES } from './rules/index.js';

const PACKAGE_VERSION = '0.1.0';

/**
 * The rule set's identity: the package version and a digest of every table and rule id (regular
 * expressions included), so an audit record or a card can say exactly which knowledge produced it.
 */
export const KNOWLEDGE_VERSION = `${PACKAGE_VERSION}+${createHash('sha256')
  .update(
    JSON.stringify(
      {
        rules: RULES.map((rule) => rule.id),
        AGE_LIMITS,
        CONCEPT_SETS,
        CROSS_REACTIVITY,
        DRUG_CLASSES,
        OTHER_INGREDIENTS,
        OTHER_NAMES,
        INTERACTIONS,
        RENAL_LIMITS,
        SOURCES,
        VALUE_SETS,
      },
      (_key, value) => (value instanceof RegExp ? value.source : value),
    ),
  )
  .digest('hex')
  .slice(0, 12)}`;
