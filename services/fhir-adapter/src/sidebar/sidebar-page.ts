import type {
  Evidence,
  KnowledgeFinding,
  KnowledgeReport,
  Suggestion,
  SuggestionSet,
} from '@aloe/shared/schemas';
import { AI_LABEL } from '../cards/ai-label.js';
import { knowledgeCardUuid } from '../cards/knowledge-cards.js';
import { cardUuid, OVERRIDE_REASONS } from '../cards/suggestion-to-card.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );

// Sized for an EHR sidebar (320–480 px): every text wraps, even one long unbroken string.
const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0.75rem; color: #1b1b1b; overflow-wrap: anywhere; word-break: break-word; }
h1 { font-size: 17px; margin: 0 0 0.25rem; }
h2.section { font-size: 13px; text-transform: uppercase; letter-spacing: 0.04em; color: #555; margin: 1rem 0 0.25rem; }
.disclaimer { color: #555; font-size: 12px; }
article { border: 1px solid #ddd; border-left: 4px solid #2b6cb0; border-radius: 4px; padding: 0.5rem 0.75rem; margin: 0.75rem 0; max-width: 100%; box-sizing: border-box; }
article.warn, article.warning { border-left-color: #b7791f; }
article.critical { border-left-color: #c53030; }
article.info { border-left-color: #2f855a; }
h2 { font-size: 15px; margin: 0 0 0.25rem; }
p { margin: 0.3rem 0; }
.severity { font-size: 12px; font-weight: 600; text-transform: uppercase; }
.critical .severity { color: #c53030; }
.warning .severity { color: #975a16; }
.info .severity { color: #2f855a; }
.label, .rule, .source { font-size: 12px; color: #444; }
ul { padding-left: 1.1rem; margin: 0.25rem 0; }
form { display: inline; }
button { font: inherit; margin: 0.25rem 0.5rem 0 0; }
.done { color: #0a6b2d; font-size: 12px; }`;

const SEVERITY_WORD = { critical: 'Critical', warning: 'Warning', info: 'Information' } as const;

/** One line of evidence: what, which value, when — for every resource the card rests on. */
function evidenceItem(item: Evidence | undefined, ref: string): string {
  const parts = [item?.display ?? ref, item?.value, item?.date?.slice(0, 10)].filter((part): part is string =>
    Boolean(part),
  );
  return `<li>${escapeHtml(parts.join(' · '))}</li>`;
}

function answerForm(card: string, session: string, answered: ReadonlySet<string> | undefined): string {
  return answered?.has(card)
    ? '<p class="done">Thank you: your answer is recorded.</p>'
    : `<form method="post" action="/sidebar/feedback">
  <input type="hidden" name="session" value="${escapeHtml(session)}">
  <input type="hidden" name="card" value="${escapeHtml(card)}">
  <input type="hidden" name="answered" value="${escapeHtml([...(answered ?? [])].join(','))}">
  <button name="outcome" value="accepted">Accept</button>
  <select name="reason" aria-label="Reason to dismiss">${OVERRIDE_REASONS.map((reason) => `<option value="${escapeHtml(reason.code)}">${escapeHtml(reason.display)}</option>`).join('')}</select>
  <button name="outcome" value="overridden">Dismiss</button>
</form>`;
}

/** A rule's finding the way a clinician reads it: what, why, what to do, the guideline, then the evidence. */
function findingArticle(
  finding: KnowledgeFinding,
  evidence: Map<string, Evidence>,
  session: string,
  answered: ReadonlySet<string> | undefined,
): string {
  const card = knowledgeCardUuid(finding);
  return `<article class="${finding.severity}" data-card="${escapeHtml(card)}">
<p class="severity">${SEVERITY_WORD[finding.severity]} · ${escapeHtml(finding.category.replace(/-/g, ' '))}</p>
<h2>${escapeHtml(finding.summary)}</h2>
<p>${escapeHtml(finding.detail)}</p>
<p><strong>What to do:</strong> ${escapeHtml(finding.action)}</p>
<p class="source">Guideline: <a href="${escapeHtml(finding.source.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(finding.source.label)}</a></p>
<p class="label">Evidence</p>
<ul>${finding.refs.map((ref) => evidenceItem(evidence.get(ref), ref)).join('')}</ul>
<p class="rule">Rule ${escapeHtml(finding.ruleId)}</p>
${answerForm(card, session, answered)}
</article>`;
}

/** A chart finding the AI set carries for the rules (no live report): the same reading order as a finding. */
function knowledgeSuggestionArticle(
  suggestion: Suggestion,
  card: string,
  evidence: Map<string, Evidence>,
  session: string,
  answered: ReadonlySet<string> | undefined,
): string {
  const severity = suggestion.reasons[0]?.severity ?? 'warning';
  const guideline = suggestion.guideline;
  return `<article class="${severity}" data-card="${escapeHtml(card)}">
<p class="severity">${SEVERITY_WORD[severity]}</p>
<h2>${escapeHtml(suggestion.title)}</h2>
<p>${escapeHtml(suggestion.text)}</p>
${guideline ? `<p class="source">Guideline: <a href="${escapeHtml(guideline.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(guideline.label)}</a></p>` : ''}
<p class="label">Evidence</p>
<ul>${suggestion.citations.map((ref) => evidenceItem(evidence.get(ref), ref)).join('')}</ul>
<p class="rule">Rule ${escapeHtml(suggestion.reasons[0]?.ruleId ?? '')}</p>
${answerForm(card, session, answered)}
</article>`;
}

/**
 * The sidebar page for one patient: first the clinical rules' findings on the chart (coded rules, not
 * AI), then the latest annotated AI suggestions the clinician may see (blocked ones never), each with
 * the evidence of every resource it rests on, and accept / dismiss buttons. Every value is escaped; the
 * style is the only inline part and carries the CSP nonce.
 */
export function renderSidebarPage(options: {
  set: SuggestionSet | undefined;
  knowledge?: KnowledgeReport | undefined;
  session: string;
  nonce: string;
  answered?: ReadonlySet<string>;
}): string {
  const { set, knowledge, session, nonce, answered } = options;
  const visible = set?.suggestions.filter((suggestion) => suggestion.verdict !== 'block') ?? [];
  const shown = visible.filter((suggestion) => suggestion.source !== 'knowledge');
  const evidence = new Map(set?.evidence.map((item) => [item.ref, item]) ?? []);
  const cards = shown.map((suggestion) => {
    const card = cardUuid(set!.setId, suggestion.id);
    const rules = suggestion.reasons.map((reason) => reason.ruleId);
    const cited = suggestion.citations.filter((ref) => evidence.has(ref));
    return `<article class="${escapeHtml(suggestion.verdict)}" data-card="${escapeHtml(card)}">
<h2>${escapeHtml(suggestion.title)}</h2>
<p>${escapeHtml(suggestion.text)}</p>
<p class="label">Guardrails: ${escapeHtml(suggestion.verdict)}${rules.length ? ` (${escapeHtml(rules.join(', '))})` : ''}</p>
${cited.length ? `<ul>${cited.map((ref) => evidenceItem(evidence.get(ref), ref)).join('')}</ul>` : ''}
<p class="disclaimer">${AI_LABEL} · ${escapeHtml(set!.model.name)}. ${escapeHtml(set!.disclaimer)}</p>
${answerForm(card, session, answered)}
</article>`;
  });
  const knowledgeEvidence = new Map(knowledge?.evidence.map((item) => [item.ref, item]) ?? []);
  // The live report of the last hook call is the chart as it is now; without one, the rules' findings
  // the AI set carries (the chart when it was analysed) stand in.
  const findings = knowledge
    ? knowledge.findings.map((finding) => findingArticle(finding, knowledgeEvidence, session, answered))
    : visible
        .filter((suggestion) => suggestion.source === 'knowledge')
        .map((suggestion) =>
          knowledgeSuggestionArticle(
            suggestion,
            cardUuid(set!.setId, suggestion.id),
            evidence,
            session,
            answered,
          ),
        );
  const rulesSection = findings.length
    ? `<h2 class="section">Clinical rules (not AI)</h2>\n${findings.join('\n')}`
    : '';
  const aiSection = set
    ? `<h2 class="section">AI suggestions</h2>\n${cards.join('\n') || '<p>No suggestions for this patient.</p>'}`
    : '<p>Aloe is reviewing this chart; reopen the assistant in a moment.</p>';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aloe assistant</title><style nonce="${escapeHtml(nonce)}">${STYLE}</style></head>
<body>
<h1>Aloe assistant</h1>
<p class="disclaimer">${escapeHtml(set?.disclaimer ?? 'AI-generated suggestions; a clinician must review them.')}${set?.model.testModel ? ' (TEST MODEL)' : ''}</p>
${rulesSection}
${aiSection}
</body>
</html>`;
}
