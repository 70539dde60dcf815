import type { KnowledgeReport, SuggestionSet } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { ruleSuggestion, setFor } from '../../test/suggestion-set.js';
import { suggestionSetToCards } from '../cards/suggestion-to-card.js';
import { renderSidebarPage } from './sidebar-page.js';

/** The set with one chart finding the model did not address, carried by the rules. */
const withRuleSuggestion = (set: SuggestionSet): SuggestionSet => ({
  ...set,
  suggestions: [...set.suggestions, ruleSuggestion],
});

describe('the sidebar page', () => {
  it('escapes every value from the model and the EHR, and never shows a blocked suggestion', () => {
    const set = setFor('pseudonym-page-00001');
    set.suggestions[0]!.title = '<script>alert(1)</script> & "quotes"';
    set.evidence[0]!.display = '<img src=x onerror=alert(1)>';
    const html = renderSidebarPage({ set, session: 's"x', nonce: 'n' });
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('value="s&quot;x"');
    expect(html).not.toContain('Blocked suggestion');
    expect(html).toContain('<style nonce="n">');
  });

  it('thanks the clinician instead of asking again once a card is answered', () => {
    const set = setFor('pseudonym-page-00001');
    const [card] = [
      ...renderSidebarPage({ set, session: 's', nonce: 'n' }).matchAll(/data-card="([^"]+)"/g),
    ].map((match) => match[1]!);
    const answered = renderSidebarPage({ set, session: 's', nonce: 'n', answered: new Set([card!]) });
    expect(answered).toContain('your answer is recorded');
    expect(answered).not.toContain('value="accepted"');
  });

  it('shows the rules’ findings of the AI set under the rules, not as AI, when no live report is there', () => {
    const set = withRuleSuggestion(setFor('pseudonym-page-00001'));
    const html = renderSidebarPage({ set, session: 's', nonce: 'n' });
    const rules = html.indexOf('Clinical rules (not AI)');
    const ai = html.indexOf('AI suggestions');
    expect(rules).toBeGreaterThan(-1);
    expect(html.indexOf('Metformin with an eGFR below 30')).toBeGreaterThan(rules);
    expect(html.indexOf('Metformin with an eGFR below 30')).toBeLessThan(ai);
    expect(html).toContain('Rule knowledge.renal.metformin');
    expect(html).toContain('href="https://www.fda.gov/drugs/"');
    // With the live report of a hook call, that report speaks for the chart.
    const live: KnowledgeReport = {
      patient: set.patient,
      evaluatedAt: '2026-11-24T09:00:00.000Z',
      rulesVersion: 'v',
      findings: [],
      evidence: [],
    };
    expect(renderSidebarPage({ set, knowledge: live, session: 's', nonce: 'n' })).not.toContain(
      'Metformin with an eGFR below 30',
    );
  });

  it('never turns the rules’ suggestions of an AI set into AI cards', () => {
    const set = withRuleSuggestion(setFor('pseudonym-page-00001'));
    const cards = suggestionSetToCards(set, undefined);
    expect(cards.map((card) => card.summary)).toEqual([set.suggestions[0]!.title]);
    expect(cards[0]!.source.label).toMatch(/AI-generated/);
  });
});
