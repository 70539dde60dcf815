import { describe, expect, it } from '@jest/globals';
import { drugIntentsIn } from './text-intents.js';

const intents = (text: string) =>
  Object.fromEntries(drugIntentsIn(text).map(({ ingredient, intent }) => [ingredient, intent]));

describe('what a suggestion’s text says to do with each drug', () => {
  it('reads the verb before each drug, sentence by sentence', () => {
    expect(intents('Stop amoxicillin: the patient has a documented penicillin allergy.')).toEqual({
      amoxicillin: 'remove',
    });
    expect(intents('Stop ibuprofen and start paracetamol 1 g four times daily.')).toEqual({
      ibuprofen: 'remove',
      acetaminophen: 'keep',
    });
    expect(intents('Continue metformin. Hold lisinopril while the creatinine is rising.')).toEqual({
      metformin: 'keep',
      lisinopril: 'remove',
    });
    expect(intents('Increase the metformin dose to 1000 mg twice daily.')).toEqual({ metformin: 'keep' });
  });

  it('reads negations, switches and replacements', () => {
    expect(intents('Do not continue naproxen with warfarin on board.')).toEqual({ naproxen: 'remove' });
    expect(intents('Stop ibuprofen and naproxen for the bleeding risk of warfarin.')).toEqual({
      ibuprofen: 'remove',
      naproxen: 'remove',
    });
    expect(intents('Switch from ibuprofen to paracetamol.')).toEqual({
      ibuprofen: 'remove',
      acetaminophen: 'keep',
    });
    expect(intents('Replace simvastatin with pravastatin.')).toEqual({
      simvastatin: 'remove',
      pravastatin: 'keep',
    });
    expect(intents('Consider paracetamol instead of ibuprofen.')).toEqual({ ibuprofen: 'remove' });
    expect(intents('Taper off oxycodone over four weeks.')).toEqual({ oxycodone: 'remove' });
  });

  it('reads a drug that is the verb’s subject, and nothing from a drug without a verb', () => {
    expect(intents('Ibuprofen should be discontinued given the eGFR.')).toEqual({ ibuprofen: 'remove' });
    expect(intents('Amoxicillin: continue for 5 more days.')).toEqual({ amoxicillin: 'keep' });
    expect(intents('Warfarin with ibuprofen raises bleeding risk.')).toEqual({});
    expect(intents('Check INR within a week.')).toEqual({});
  });

  it('does not take an allergy’s name for a drug to give', () => {
    expect(intents('Start azithromycin given the penicillin allergy.')).toEqual({ azithromycin: 'keep' });
    expect(intents('Patient is allergic to penicillin; start doxycycline.')).toEqual({ doxycycline: 'keep' });
  });

  it('reads INN names and brands as their ingredient, and removal wins when a text says both', () => {
    expect(intents('Start co-amoxiclav.')).toEqual({ amoxicillin: 'keep', clavulanate: 'keep' });
    expect(intents('Continue ibuprofen. Then stop ibuprofen after three days.')).toEqual({
      ibuprofen: 'remove',
    });
  });
});
