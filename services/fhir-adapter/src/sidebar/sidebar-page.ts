import type { SuggestionSet } from '@aloe/shared/schemas';
import { cardUuid } from '../cards/suggestion-to-card.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0.75rem; color: #1b1b1b; }
.disclaimer { color: #555; font-size: 12px; }
article { border: 1px solid #ddd; border-left: 4px solid #2b6cb0; border-radius: 4px; padding: 0.5rem 0.75rem; margin: 0.75rem 0; }
article.warn { border-left-color: #b7791f; }
h2 { font-size: 15px; margin: 0 0 0.25rem; }
.label { font-size: 12px; color: #444; }
ul { padding-left: 1.1rem; margin: 0.25rem 0; }
form { display: inline; }
button { font: inherit; margin: 0.25rem 0.5rem 0 0; }
.done { color: #0a6b2d; font-size: 12px; }`;

/**
 * The sidebar page for one patient: the latest annotated suggestions the clinician may see (blocked
 * ones never), each with its cited evidence, the guardrail label and rule ids, and accept / dismiss
 * buttons. Every value is escaped; the style is the only inline part and carries the CSP nonce.
 */
export function renderSidebarPage(options: {
  set: SuggestionSet | undefined;
  session: string;
  nonce: string;
  answered?: ReadonlySet<string>;
}): string {
  const { set, session, nonce } = options;
  const shown = set?.suggestions.filter((suggestion) => suggestion.verdict !== 'block') ?? [];
  const evidence = new Map(set?.evidence.map((item) => [item.ref, item]) ?? []);
  const cards = shown.map((suggestion) => {
    const card = cardUuid(set!.setId, suggestion.id);
    const cited = suggestion.citations
      .map((ref) => evidence.get(ref))
      .filter((item) => item !== undefined)
      .map(
        (item) => `<li>${escapeHtml([item.display, item.value, item.date].filter(Boolean).join(' · '))}</li>`,
      );
    const rules = suggestion.reasons.map((reason) => reason.ruleId);
    const actions = options.answered?.has(card)
      ? '<p class="done">Thank you: your answer is recorded.</p>'
      : `<form method="post" action="/sidebar/feedback">
  <input type="hidden" name="session" value="${escapeHtml(session)}">
  <input type="hidden" name="card" value="${escapeHtml(card)}">
  <input type="hidden" name="answered" value="${escapeHtml([...(options.answered ?? [])].join(','))}">
  <button name="outcome" value="accepted">Accept</button><button name="outcome" value="overridden">Dismiss</button>
</form>`;
    return `<article class="${escapeHtml(suggestion.verdict)}" data-card="${escapeHtml(card)}">
<h2>${escapeHtml(suggestion.title)}</h2>
<p>${escapeHtml(suggestion.text)}</p>
<p class="label">Guardrails: ${escapeHtml(suggestion.verdict)}${rules.length ? ` (${escapeHtml(rules.join(', '))})` : ''}</p>
${cited.length ? `<ul>${cited.join('')}</ul>` : ''}
${actions}
</article>`;
  });
  const body = set
    ? cards.join('\n') || '<p>No suggestions for this patient.</p>'
    : '<p>Aloe is reviewing this chart; reopen the assistant in a moment.</p>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aloe assistant</title><style nonce="${escapeHtml(nonce)}">${STYLE}</style></head>
<body>
<h1>Aloe assistant</h1>
<p class="disclaimer">${escapeHtml(set?.disclaimer ?? 'AI-generated suggestions; a clinician must review them.')}${set?.model.testModel ? ' (TEST MODEL)' : ''}</p>
${body}
</body>
</html>`;
}
