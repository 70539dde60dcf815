import type { ContextItem, PatientContext, RuleFinding } from '@aloe/shared/schemas';
import { RuleId } from '../rule-ids.js';
import { looksLikeInjection, minimisePhi, stripControlTokens } from './sanitize-text.js';

export interface InputRailsResult {
  /** The context as the prompt may see it. */
  context: PatientContext;
  findings: RuleFinding[];
}

/**
 * Input rails (ARCHITECTURE §6) over every piece of EHR text: control tokens stripped, direct
 * identifiers replaced, and free text that tries to instruct the model withheld from the prompt (the
 * item itself stays, so it can still be cited) with a finding recorded. Pure.
 */
export function runInputRails(context: PatientContext): InputRailsResult {
  const findings: RuleFinding[] = [];
  const items = context.items.map((item): ContextItem => {
    let next = item;
    if (item.code?.display) {
      const { text, removed } = stripControlTokens(item.code.display);
      if (removed > 0) {
        findings.push({
          ruleId: RuleId.ControlTokens,
          severity: 'warning',
          message: `Removed ${removed} control token(s) from a coded display`,
          itemRef: item.ref,
        });
        next = { ...next, code: { ...item.code, display: text.trim() } };
      }
    }
    if (item.text === undefined) return next;
    const stripped = stripControlTokens(item.text);
    if (stripped.removed > 0) {
      findings.push({
        ruleId: RuleId.ControlTokens,
        severity: 'warning',
        message: `Removed ${stripped.removed} chat-template control token(s) from free text`,
        itemRef: item.ref,
      });
    }
    if (looksLikeInjection(stripped.text)) {
      findings.push({
        ruleId: RuleId.PromptInjection,
        severity: 'warning',
        message: 'Free text contains instructions addressed to the model; it was kept out of the prompt',
        itemRef: item.ref,
      });
      const { text: _withheld, ...rest } = next;
      return rest;
    }
    const minimised = minimisePhi(stripped.text);
    if (minimised.replaced > 0) {
      findings.push({
        ruleId: RuleId.PhiMinimised,
        severity: 'info',
        message: `Replaced ${minimised.replaced} direct identifier(s) in free text`,
        itemRef: item.ref,
      });
    }
    return { ...next, text: minimised.text };
  });
  return { context: { ...context, items }, findings };
}
