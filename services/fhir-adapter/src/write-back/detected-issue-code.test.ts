import type { Suggestion } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { detectedIssueCode } from './detected-issue-code.js';

const suggestion = (...ruleIds: string[]): Suggestion => ({
  id: 's',
  kind: 'medication-safety',
  title: 'The finding',
  text: 'T',
  citations: ['MedicationRequest/m'],
  verdict: 'warn',
  reasons: ruleIds.map((ruleId) => ({ ruleId, severity: 'warning' as const, message: 'm' })),
});

const codeOf = (...ruleIds: string[]) => detectedIssueCode(suggestion(...ruleIds)).coding?.[0]?.code;

describe('detectedIssueCode', () => {
  it('codes the issue from the clinical-knowledge rule family, with the title as text', () => {
    expect(detectedIssueCode(suggestion('knowledge.interaction.warfarin-nsaids'))).toEqual({
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: 'DRG',
          display: 'Drug Interaction Alert',
        },
      ],
      text: 'The finding',
    });
    expect(codeOf('knowledge.allergy.drug')).toBe('ALGY');
    expect(codeOf('knowledge.renal.metformin')).toBe('LAB');
    expect(codeOf('knowledge.age.benzodiazepines-older-adults')).toBe('AGE');
    expect(codeOf('knowledge.opioid.rec04-mme')).toBe('DOSEH');
    expect(codeOf('knowledge.opioid.rec06-acute-duration')).toBe('DOSEDUR');
    expect(codeOf('knowledge.opioid.rec11-benzodiazepine')).toBe('DRG');
    expect(codeOf('knowledge.opioid.rec12-opioid-use-disorder')).toBe('COND');
  });

  it('falls back to the root code when no rule says more, and reads past guardrail rule ids', () => {
    expect(codeOf()).toBe('ISSUE');
    expect(codeOf('knowledge.deceased.active-orders')).toBe('ISSUE');
    expect(codeOf('knowledge.unidentified-medication')).toBe('ISSUE');
    expect(codeOf('output.citation-unknown', 'knowledge.allergy.drug')).toBe('ALGY');
  });
});
