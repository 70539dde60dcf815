import { createHash } from 'node:crypto';

/**
 * Whether the guardrails' learned harm rail trained on this text: the same split as
 * services/guardrails/src/training/harm-classifier/split.ts (the first byte of the text's SHA-256 below
 * 0x80), restated here because the evaluation talks to the service and never imports it. Only the other
 * half of a set it trained on is drawn, so the rails are measured on texts they have not seen.
 */
export function isTrainingExample(text: string): boolean {
  return createHash('sha256').update(text).digest()[0]! < 0x80;
}
