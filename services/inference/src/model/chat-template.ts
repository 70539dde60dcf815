import { createHash } from 'node:crypto';
import { AppError, ErrorCode, InvalidInputError } from '@aloe/shared/errors';
import { Template } from '@huggingface/jinja';
import type { ChatTurn } from '../generate/types.js';
import { PUBLISHED_TEMPLATES } from './published-templates.js';

/** Which turn markup a template writes; it decides the family's stop rules (stop-tokens.ts). */
export type TemplateFamily = 'llama3' | 'chatml' | 'other';

/** A piece of rendered text: the template's own (control tokens parsed) or a message's content (plain text). */
export interface PromptSegment {
  text: string;
  content: boolean;
}

export interface RenderedChat {
  text: string;
  segments: PromptSegment[];
  /** The variables the template got besides `messages`, as strings (for the audit). */
  variables: Record<string, string>;
}

export interface ChatTemplate {
  /** `<name>@sha256:<12 hex>`: the published template's name, or `custom`, and its text's digest. */
  id: string;
  name: string;
  family: TemplateFamily;
  text: string;
  /** Whether the template writes today's date (Llama 3.1's `date_string`). */
  usesDate: boolean;
  /** Renders the turns with a generation prompt (add_generation_prompt), on the given day (UTC). */
  render(turns: readonly ChatTurn[], now: Date): RenderedChat;
  /** What the template writes right after an assistant turn's content: its end-of-turn text. */
  endOfTurnText(): string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const MARK_OPEN = '\u{F8F0}';
const MARK_CLOSE = '\u{F8F1}';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** strftime for the codes chat templates use, in UTC ("%d %b %Y" → "05 Mar 2026", as llama.cpp passes it). */
export function formatDate(format: string, date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return format.replace(/%([dbBmYy%])/g, (_, code: string) => {
    switch (code) {
      case 'd':
        return pad(date.getUTCDate());
      case 'b':
        return MONTHS[date.getUTCMonth()]!;
      case 'B':
        return MONTH_NAMES[date.getUTCMonth()]!;
      case 'm':
        return pad(date.getUTCMonth() + 1);
      case 'Y':
        return String(date.getUTCFullYear());
      case 'y':
        return pad(date.getUTCFullYear() % 100);
      default:
        return '%';
    }
  });
}

/** The id of a template text: the published template it is byte for byte, or `custom`. */
export function templateIdOf(text: string): { id: string; name: string } {
  const digest = sha256(text);
  const name = PUBLISHED_TEMPLATES.find((published) => published.text === text)?.name ?? 'custom';
  return { id: `${name}@sha256:${digest.slice(0, 12)}`, name };
}

export function templateFamilyOf(text: string): TemplateFamily {
  if (text.includes('<|start_header_id|>') && text.includes('<|end_header_id|>')) return 'llama3';
  if (text.includes('<|im_start|>')) return 'chatml';
  return 'other';
}

/**
 * The model's own Jinja chat template (the GGUF's tokenizer.chat_template), rendered as Hugging Face's
 * apply_chat_template does (trim_blocks, lstrip_blocks; @huggingface/jinja), with bos_token, eos_token,
 * add_generation_prompt, and the day's date for templates that write it. Each render is done twice, once
 * with the messages and once with markers in their place, so the result says which characters are a
 * message's content (tokenized as plain text) and which the template's (control tokens parsed).
 */
export function createChatTemplate(text: string, tokens: { bos: string; eos: string }): ChatTemplate {
  const template = new Template(text);
  const { id, name } = templateIdOf(text);
  // @huggingface/jinja's own strftime_now reads the wall clock; the templates served here use date_string.
  const usesDate = /\bdate_string\b/.test(text);

  const renderRaw = (
    messages: ReadonlyArray<{ role: string; content: string }>,
    now: Date,
    generate: boolean,
  ) => {
    const variables: Record<string, string> = {
      bos_token: tokens.bos,
      eos_token: tokens.eos,
      add_generation_prompt: String(generate),
    };
    if (usesDate) variables.date_string = formatDate('%d %b %Y', now);
    try {
      const rendered = template.render({
        messages: messages.map((message) => ({ ...message })),
        bos_token: tokens.bos,
        eos_token: tokens.eos,
        add_generation_prompt: generate,
        ...(variables.date_string ? { date_string: variables.date_string } : {}),
      });
      return { rendered, variables };
    } catch (error) {
      // raise_exception(...) in a template, or messages it cannot render (e.g. roles out of order).
      throw new InvalidInputError(
        `messages: the model's chat template (${id}) refuses them: ${(error as Error).message}`,
        { cause: error },
      );
    }
  };

  const render = (turns: readonly ChatTurn[], now: Date): RenderedChat => {
    for (const turn of turns) {
      if (turn.content.includes(MARK_OPEN) || turn.content.includes(MARK_CLOSE))
        throw new InvalidInputError('messages: content holds a reserved character (U+F8F0 or U+F8F1)');
    }
    const { rendered, variables } = renderRaw(turns, now, true);
    const marked = renderRaw(
      turns.map((turn, i) => ({ role: turn.role, content: `${MARK_OPEN}${i}${MARK_CLOSE}` })),
      now,
      true,
    ).rendered;
    return { text: rendered, segments: alignSegments(rendered, marked, turns), variables };
  };

  return {
    id,
    name,
    family: templateFamilyOf(text),
    text,
    usesDate,
    render,
    endOfTurnText() {
      const probe = `${MARK_OPEN}turn${MARK_CLOSE}`;
      const { rendered } = renderRaw(
        [
          { role: 'user', content: 'u' },
          { role: 'assistant', content: probe },
          { role: 'user', content: 'v' },
        ],
        new Date(0),
        false,
      );
      const at = rendered.indexOf(probe);
      return at < 0 ? '' : rendered.slice(at + probe.length);
    },
  };
}

/**
 * Splits the rendered text into the template's text and the messages' contents, using the render with
 * markers in the contents' places. A template may trim a content (Llama's `| trim`): each content is
 * matched as given, else trimmed. Anything else the template did to a content cannot be audited as
 * plain text: that is an error, not a guess.
 */
function alignSegments(rendered: string, marked: string, turns: readonly ChatTurn[]): PromptSegment[] {
  const pattern = new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, 'g');
  const pieces: Array<{ template: string; turn?: number }> = [];
  let last = 0;
  for (const match of marked.matchAll(pattern)) {
    pieces.push({ template: marked.slice(last, match.index), turn: Number(match[1]) });
    last = match.index + match[0].length;
  }
  pieces.push({ template: marked.slice(last) });

  const segments: PromptSegment[] = [];
  let at = 0;
  for (const [i, piece] of pieces.entries()) {
    if (!rendered.startsWith(piece.template, at)) throw unalignable();
    if (piece.template) segments.push({ text: piece.template, content: false });
    at += piece.template.length;
    if (piece.turn === undefined) continue;
    const content = turns[piece.turn]!.content;
    const next = pieces[i + 1]!.template;
    const candidates = [content, content.trim(), content.trimStart(), content.trimEnd()];
    const found = candidates.find(
      (candidate) => rendered.startsWith(candidate, at) && rendered.startsWith(next, at + candidate.length),
    );
    if (found === undefined) throw unalignable();
    if (found) segments.push({ text: found, content: true });
    at += found.length;
  }
  if (at !== rendered.length) throw unalignable();
  return segments;
}

const unalignable = () =>
  new AppError(
    ErrorCode.Internal,
    'The chat template changes message contents beyond trimming; the rendered prompt cannot be audited',
  );
