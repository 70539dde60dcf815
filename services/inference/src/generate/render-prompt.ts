import { createHash } from 'node:crypto';
import type { Token } from 'node-llama-cpp';
import type { ChatTemplate } from '../model/chat-template.js';
import type { ChatTurn } from './types.js';

/** Tokenizes text; `special` = parse control-token text as control tokens. */
export type Tokenize = (text: string, special: boolean) => Token[];

/** Exactly what goes to the model for one generation (returned with the response, audited by guardrails). */
export interface RenderedPrompt {
  text: string;
  tokens: Token[];
  sha256: string;
  templateId: string;
  variables: Record<string, string>;
  messages: ChatTurn[];
}

/**
 * Renders the turns with the model's chat template and tokenizes the result: the template's own text
 * with its control tokens, each message's content as plain text (so `<|eot_id|>` typed into a note is
 * text, never a turn boundary). The template is responsible for BOS, as in apply_chat_template.
 */
export function renderPrompt(
  template: ChatTemplate,
  tokenize: Tokenize,
  turns: readonly ChatTurn[],
  now: Date,
): RenderedPrompt {
  const { text, segments, variables } = template.render(turns, now);
  const tokens = segments.flatMap((segment) => tokenize(segment.text, !segment.content));
  return {
    text,
    tokens,
    sha256: createHash('sha256').update(text).digest('hex'),
    templateId: template.id,
    variables,
    messages: turns.map((turn) => ({ ...turn })),
  };
}
