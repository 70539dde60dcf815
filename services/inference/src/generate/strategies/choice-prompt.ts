import type { ChatTurn, MultipleChoiceQuestion } from '../types.js';
import { displayLetters } from './permutations.js';

/** How a question asks for its answer: after step-by-step reasoning or at once; in text or in JSON. */
export interface AnswerStyle {
  reasoning: boolean;
  /** The output is JSON (a schema's grammar): the letter goes in its `answer` field, not in text. */
  json: boolean;
}

// prompt_engine's MCQA wording (docs/research-notes.md#prompt_engine-prompts).
const UNIQUE_ANSWER = 'Note the exam question has an unique answer based on the information given.';

/** The instruction after the options: prompt_engine's, without its few-shot preamble, for text with reasoning. */
export function multipleChoiceInstruction(letters: readonly string[], style: AnswerStyle): string {
  const choices = `${letters.slice(0, -1).join(', ')}, or ${letters.at(-1)}`;
  if (style.json) {
    const reasoning = style.reasoning
      ? " Let's think step by step: write your reasoning in the `reasoning` field first."
      : '';
    return `${UNIQUE_ANSWER}${reasoning} Give your answer in the \`answer\` field as X, where X must be ${choices}.`;
  }
  if (style.reasoning)
    return `${UNIQUE_ANSWER} Let's think step by step. Include Answer: [X] at the end where X must be ${choices}. Don't include more tokens after answering the question.`;
  return `${UNIQUE_ANSWER} Reply only with Answer: [X] where X must be ${choices}. Don't include any other tokens.`;
}

/**
 * The context turns as given (system turns, worked examples), then the question as the last user
 * turn: its options in `permutation` order (`permutation[i]` is the original index shown at position
 * i), lettered A, B, C…, then the instruction.
 */
export function renderChoiceQuestion(
  context: readonly ChatTurn[],
  question: MultipleChoiceQuestion,
  permutation: readonly number[],
  style: AnswerStyle,
): ChatTurn[] {
  const letters = displayLetters(permutation.length);
  const shown = permutation.map(
    (original, position) => `${letters[position]}. ${question.options[original]!.text}`,
  );
  const content = `${question.question}\n${shown.join('\n')}\n\n${multipleChoiceInstruction(letters, style)}`;
  return [...context, { role: 'user', content }];
}
