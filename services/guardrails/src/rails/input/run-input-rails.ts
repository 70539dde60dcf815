import type { ContextItem, PatientContext, RuleFinding } from '@aloe/shared/schemas';
import { RuleId } from '../rule-ids.js';
import { instructionToModel } from './instruction-detector.js';
import { minimisePhi, stripControlTokens } from './sanitize-text.js';

export interface InputRailsResult {
  /** The context as the prompt may see it. */
  context: PatientContext;
  findings: RuleFinding[];
}

/** What stands in the prompt for a short field that instructed the model. */
export const WITHHELD = '[withheld: instruction to the model]';

// Fields that are references or code-system URIs: validated by the contract, never prose.
const NOT_TEXT = new Set(['ref', 'medicationRef', 'system']);

/** Every string of an item with its path ("dose.text", "reactions[0]"), except references and systems. */
function stringsOf(value: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) {
    for (const [i, child] of value.entries()) stringsOf(child, `${path}[${i}]`, out);
  } else if (value && typeof value === 'object')
    for (const [key, child] of Object.entries(value))
      if (!NOT_TEXT.has(key)) stringsOf(child, path ? `${path}.${key}` : key, out);
}

/** The item with the string at `path` replaced (undefined removes the field). */
function withString(item: ContextItem, path: string, text: string | undefined): ContextItem {
  const copy = structuredClone(item) as Record<string, unknown>;
  const keys = path.split(/\.|\[(\d+)\]/).filter((key) => key !== undefined && key !== '');
  let node: Record<string, unknown> | unknown[] = copy;
  for (const key of keys.slice(0, -1))
    node = (node as Record<string, unknown>)[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (text === undefined) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = text;
  return copy as ContextItem;
}

interface CleanedText {
  text: string | undefined;
  controlTokens: number;
  instruction: boolean;
  identifiers: number;
}

/**
 * One text cleaned: control tokens stripped, then withheld if it instructs the model (undefined for a
 * note's text, a marker for a short field), else its identifiers replaced.
 */
function cleanText(original: string, isNote: boolean): CleanedText {
  // Dates, codes, short numbers and single words carry no sentence, token or identifier we replace.
  if (!/[A-Za-z][^A-Za-z]+[A-Za-z]|[<[@]/.test(original) && (original.match(/\d/g)?.length ?? 0) < 7)
    return { text: original, controlTokens: 0, instruction: false, identifiers: 0 };
  const stripped = stripControlTokens(original);
  const text = stripped.removed > 0 ? stripped.text.replace(/\s{2,}/g, ' ').trim() : original;
  if (instructionToModel(text))
    return {
      text: isNote ? undefined : WITHHELD,
      controlTokens: stripped.removed,
      instruction: true,
      identifiers: 0,
    };
  const minimised = minimisePhi(text);
  return {
    text: minimised.text,
    controlTokens: stripped.removed,
    instruction: false,
    identifiers: minimised.replaced,
  };
}

/**
 * The input rails (docs/architecture.md#input-rails): one cleaning step over every text of every item that
 * can reach the prompt — notes, display names, dosage texts, reactions, string values, statuses, dates —
 * before the prompt is built (so the audit row, which keeps the prompt, holds only cleaned text).
 * Chat-template control tokens are stripped; text that instructs the model is kept out (a note's text is
 * withheld whole, the item stays citable; a short field is replaced by a marker); direct identifiers are
 * replaced with placeholders. Each item gets at most one finding per rule, naming the fields (never their
 * content). Pure.
 */
export function runInputRails(context: PatientContext): InputRailsResult {
  const findings: RuleFinding[] = [];
  // Charts repeat the same displays, units and statuses: each distinct text is cleaned once per context.
  const cleaned = new Map<string, CleanedText>();
  const clean = (text: string, isNote: boolean) => {
    const key = `${isNote ? 'n' : 's'}${text}`;
    let result = cleaned.get(key);
    if (!result) {
      result = cleanText(text, isNote);
      cleaned.set(key, result);
    }
    return result;
  };
  const items = context.items.map((item): ContextItem => {
    const fields: Array<[string, string]> = [];
    stringsOf(item, '', fields);
    const touched = { tokens: 0, tokenFields: [] as string[], instructions: [] as string[], identifiers: 0 };
    let next = item;
    for (const [path, original] of fields) {
      const result = clean(original, path === 'text');
      if (result.controlTokens > 0) {
        touched.tokens += result.controlTokens;
        touched.tokenFields.push(path);
      }
      if (result.instruction) touched.instructions.push(path);
      touched.identifiers += result.identifiers;
      if (result.text !== original) next = withString(next, path, result.text);
    }
    if (touched.tokens > 0)
      findings.push({
        ruleId: RuleId.ControlTokens,
        severity: 'warning',
        message: `Removed ${touched.tokens} chat-template control token(s) from ${touched.tokenFields.join(', ')}`,
        itemRef: item.ref,
      });
    if (touched.instructions.length > 0)
      findings.push({
        ruleId: RuleId.PromptInjection,
        severity: 'warning',
        message: `Text addressed to the model was kept out of the prompt (${touched.instructions.join(', ')})`,
        itemRef: item.ref,
      });
    if (touched.identifiers > 0)
      findings.push({
        ruleId: RuleId.PhiMinimised,
        severity: 'info',
        message: `Replaced ${touched.identifiers} direct identifier(s)`,
        itemRef: item.ref,
      });
    return next;
  });
  return { context: { ...context, items }, findings };
}
