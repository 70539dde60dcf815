// Every surface that shows or writes model text carries the AI label and the set's disclaimer; the rules'
// suggestions carry neither. One check (missingAiMarks) over the real outputs of each builder.
import type { SuggestionSet } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import type { Communication, DetectedIssue } from '@medplum/fhirtypes';
import { ruleSuggestion, setFor } from '../../test/suggestion-set.js';
import { applySuggestions } from '../flows/apply-suggestions.js';
import { renderSidebarPage } from '../sidebar/sidebar-page.js';
import { buildWriteBackTransaction } from '../write-back/build-transaction.js';
import { AI_LABEL, assertAiDisclaimer, missingAiMarks } from './ai-label.js';
import { MemoryCardStore } from './card-store.js';
import { suggestionSetToCards } from './suggestion-to-card.js';

/** A set with a shown model suggestion of each kind and a suggestion of the rules. */
function mixedSet(): SuggestionSet {
  const set = setFor('pseudonym-label-00001');
  const [warned] = set.suggestions;
  return {
    ...set,
    suggestions: [
      warned!,
      {
        ...warned!,
        id: 's3',
        kind: 'care-gap',
        title: 'Blood pressure above target',
        verdict: 'allow',
        reasons: [],
      },
      ruleSuggestion,
    ],
    knowledgeCoverage: { rulesVersion: 'v1', findings: [] },
  };
}

describe('the AI label and the disclaimer on everything that shows model text', () => {
  const set = mixedSet();

  it('finds a rendering without them (the check can fail)', () => {
    expect(missingAiMarks('Consider paracetamol.', set.disclaimer)).toEqual([
      'the AI label',
      'the disclaimer',
    ]);
  });

  it('every CDS Hooks card of model text carries both', () => {
    const cards = suggestionSetToCards(set, undefined);
    expect(cards).toHaveLength(2);
    for (const card of cards)
      expect(missingAiMarks(`${card.source.label}\n${card.detail}`, set.disclaimer)).toEqual([]);
  });

  it('every sidebar entry of model text carries both; the rules’ entries carry neither', () => {
    const html = renderSidebarPage({ set, session: 's', nonce: 'n' });
    const articles = html.split('<article').slice(1);
    const ai = articles.filter((article) => !article.includes('Rule knowledge.'));
    const rules = articles.filter((article) => article.includes('Rule knowledge.'));
    expect([ai.length, rules.length]).toEqual([2, 1]);
    for (const article of ai) expect(missingAiMarks(article, set.disclaimer)).toEqual([]);
    for (const article of rules) expect(article).not.toContain(AI_LABEL);
  });

  it('every written resource of model text carries both and the AIAST label; the rules’ carry neither', () => {
    const resources = buildWriteBackTransaction(set)!.entry!.map((entry) => entry.resource!);
    const written = resources.filter(
      (resource): resource is DetectedIssue | Communication =>
        resource.resourceType === 'DetectedIssue' || resource.resourceType === 'Communication',
    );
    const text = (resource: DetectedIssue | Communication) =>
      resource.resourceType === 'DetectedIssue' ? resource.detail! : resource.payload![0]!.contentString!;
    const fromModel = written.filter((resource) => resource.meta?.security?.[0]?.code === 'AIAST');
    expect(fromModel).toHaveLength(2);
    for (const resource of fromModel) expect(missingAiMarks(text(resource), set.disclaimer)).toEqual([]);
    const fromRules = written.filter((resource) => !resource.meta?.security);
    expect(fromRules).toHaveLength(1);
    expect(text(fromRules[0]!)).not.toContain(AI_LABEL);
  });

  it('refuses a set whose disclaimer does not say it is AI-generated, before showing or writing anything', async () => {
    const unlabelled = { ...set, disclaimer: 'Please review before acting.' };
    expect(() => assertAiDisclaimer(set)).not.toThrow();
    expect(() => assertAiDisclaimer(unlabelled)).toThrow(/does not say the suggestions are AI-generated/);
    const cards = new MemoryCardStore();
    const submitted: unknown[] = [];
    await expect(
      applySuggestions(unlabelled, {
        cards,
        submit: async (bundle) => {
          submitted.push(bundle);
          return { references: [], created: 0 };
        },
        readEarlier: async () => ({ unreviewed: [], newer: [] }),
        audit: async () => undefined,
        logger: { info: () => undefined, warn: () => undefined } as never,
        now: () => new Date(),
      }),
    ).rejects.toThrow(/AI-generated/);
    expect(submitted).toEqual([]);
    expect(await cards.latest(set.patient.pseudonym)).toBeUndefined();
  });
});
