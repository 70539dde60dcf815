import { describe, expect, it } from '@jest/globals';
import { identifyDrug, RXNORM_SYSTEM } from './identify-drug.js';

const rx = (code: string, display?: string) => [
  { system: RXNORM_SYSTEM, code, ...(display ? { display } : {}) },
];

describe('identifyDrug', () => {
  it('identifies a coded product from the generated value sets, with its classes', () => {
    const ibuprofen = identifyDrug(rx('310965', 'Ibuprofen 200 MG Oral Tablet'));
    expect(ibuprofen.ingredients).toEqual(['ibuprofen']);
    expect(ibuprofen.identifiedBy).toBe('code');
    expect([...ibuprofen.classes]).toContain('nsaids');
    expect(ibuprofen.localForm).toBe(false);
  });

  it('reads a code without a display from the value sets alone', () => {
    const identity = identifyDrug(rx('1860154'));
    expect(identity.ingredients).toContain('oxycodone');
    expect(identity.extendedRelease).toBe(true);
  });

  it('falls back to the names in the display, INN and BAN spellings and brands included', () => {
    expect(identifyDrug(undefined, 'Paracetamol 500 mg tablets').ingredients).toEqual(['acetaminophen']);
    expect([...identifyDrug(undefined, 'Cefalexin 250mg capsules').classes]).toContain('cephalosporins');
    expect(identifyDrug([{ display: 'Lasix 40mg' }]).ingredients).toEqual(['furosemide']);
    expect(identifyDrug([{ display: 'Co-amoxiclav 625mg' }]).ingredients).toEqual([
      'amoxicillin',
      'clavulanate',
    ]);
    expect(identifyDrug(undefined, 'oxyCODONE Hydrochloride 5 MG').identifiedBy).toBe('name');
  });

  it('reads brands written in the value sets displays', () => {
    expect(identifyDrug(undefined, 'Vicoprofen tablet').ingredients).toEqual(['hydrocodone', 'ibuprofen']);
  });

  it('marks topical and ophthalmic forms as local, and parses strengths', () => {
    expect(identifyDrug(undefined, 'Diclofenac Sodium 10 MG/ML Topical Gel').localForm).toBe(true);
    const patch = identifyDrug(undefined, '72 HR fentanyl 0.025 MG/HR Transdermal System');
    expect(patch.localForm).toBe(false);
    expect(patch.extendedRelease).toBe(true);
    expect(patch.strengths).toEqual([{ ingredient: 'fentanyl', valueMg: 0.025, per: 'hour' }]);
    expect(
      identifyDrug(undefined, 'Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet').strengths,
    ).toEqual([
      { ingredient: 'acetaminophen', valueMg: 325, per: 'unit' },
      { ingredient: 'oxycodone', valueMg: 5, per: 'unit' },
    ]);
  });

  it('says none for a drug it does not know', () => {
    const unknown = identifyDrug(rx('999999999', 'Zzyzxamab 10 MG Injection'));
    expect(unknown.identifiedBy).toBe('none');
    expect(unknown.ingredients).toEqual([]);
  });
});
