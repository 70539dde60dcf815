import { createHash } from 'node:crypto';
import type { Token } from 'node-llama-cpp';
import type { ChatTemplate } from '../model/chat-template.js';
import type { Tokenized, TokenizeSegments } from '../model/prompt-tokenizer.js';
import { checkTokenBudget } from './request-size.js';
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

/** The room a prompt has: the context of one sequence, less what the answer may take. */
export interface TokenBudget {
  maxTokens: number;
  contextTokens: number;
}

/**
 * Renders the turns with the model's chat template and tokenizes the result: the template's own text
 * with its control tokens, each message's content as plain text (so `<|eot_id|>` typed into a note is
 * text, never a turn boundary). The template is responsible for BOS, as in apply_chat_template. With a
 * budget, a prompt that leaves less than max_tokens of the context is refused (INVALID_ARGUMENT).
 */
export async function renderPrompt(
  template: ChatTemplate,
  tokenize: TokenizeSegments,
  turns: readonly ChatTurn[],
  now: Date,
  budget?: TokenBudget,
): Promise<RenderedPrompt> {
  const { text, segments, variables } = template.render(turns, now);
  const tokenized = await tokenize(
    segments.map((segment) => ({ text: segment.text, special: !segment.content })),
    budget ? Math.max(0, budget.contextTokens - budget.maxTokens) : undefined,
  );
  if (budget) checkTokenBudget(tokenized.count, budget.maxTokens, budget.contextTokens);
  const tokens = tokenized.tokens;
  if (!tokens) throw new RangeError('The tokenizer withheld the tokens of a prompt within its limit');
  return {
    text,
    tokens,
    sha256: createHash('sha256').update(text).digest('hex'),
    templateId: template.id,
    variables,
    messages: turns.map((turn) => ({ ...turn })),
  };
}

/** Renders turns to a prompt (one request's renderer: the template, the tokenizer, the day). */
export type PromptRenderer = (turns: readonly ChatTurn[]) => Promise<RenderedPrompt>;

/**
 * renderPrompt for one request, within its token budget, tokenizing each distinct prompt once: the
 * size check's render is the first generation's, and samples that share their prompt share its tokens.
 */
export function createPromptRenderer(
  template: ChatTemplate,
  tokenize: TokenizeSegments,
  today: () => Date,
  budget: TokenBudget,
): PromptRenderer {
  const tokensBySegments = new Map<string, Promise<Tokenized>>();
  const cachedTokenize: TokenizeSegments = (segments, limit) => {
    // The split into template text and content matters too: it decides what is a control token.
    const key = segments
      .map((segment) => `${segment.special ? 's' : 'c'}${segment.text.length}:${segment.text}`)
      .join('');
    let tokens = tokensBySegments.get(key);
    if (!tokens) {
      tokens = tokenize(segments, limit);
      tokensBySegments.set(key, tokens);
    }
    return tokens;
  };
  return (turns) => renderPrompt(template, cachedTokenize, turns, today(), budget);
}
