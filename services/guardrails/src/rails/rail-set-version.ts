import { createHash } from 'node:crypto';
import { KNOWLEDGE_VERSION } from '@aloe/clinical-knowledge';
import * as HARMFUL_CONTENT_TABLES from './data/harmful-content.js';
import * as INSTRUCTION_PATTERNS from './data/instruction-patterns.js';
import { FRAMING_MODEL_RULE_ID, HARM_MODEL_RULE_ID } from './harm/harm-classifier.js';
import { RuleId } from './rule-ids.js';

/**
 * The rail set's identity: `rails@sha256:` and the first 16 hex of a digest of every rail rule id, the
 * rails' pattern tables (src/rails/data, expressions by source and flags) and the clinical knowledge's
 * version, so a validation report can say exactly which rules it measured. The learned harm rail's
 * weights are not in it: HarmClassifier.id names them.
 */
export const RAIL_SET_VERSION = `rails@sha256:${createHash('sha256')
  .update(
    JSON.stringify(
      {
        ruleIds: [...Object.values(RuleId), HARM_MODEL_RULE_ID, FRAMING_MODEL_RULE_ID],
        harmfulContent: HARMFUL_CONTENT_TABLES,
        instructionPatterns: INSTRUCTION_PATTERNS,
        knowledgeVersion: KNOWLEDGE_VERSION,
      },
      (_key, value) => (value instanceof RegExp ? `/${value.source}/${value.flags}` : value),
    ),
  )
  .digest('hex')
  .slice(0, 16)}`;
