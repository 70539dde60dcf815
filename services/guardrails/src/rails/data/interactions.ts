// Interacting pairs, by class or ingredient (ONC high-priority DDIs and the HL7 PDDI-CDS IG's two
// rules among them). Each pair warns; the message names the risk, not the patient.
export interface InteractionRule {
  a: string;
  b: string;
  message: string;
}

export const INTERACTIONS: readonly InteractionRule[] = [
  {
    a: 'anticoagulants',
    b: 'nsaids',
    message: 'Anticoagulant with an NSAID: increased bleeding risk (PDDI-CDS warfarin + NSAID)',
  },
  {
    a: 'anticoagulants',
    b: 'antiplatelets',
    message: 'Anticoagulant with an antiplatelet: increased bleeding risk',
  },
  {
    a: 'opioids',
    b: 'benzodiazepines',
    message: 'Opioid with a benzodiazepine: risk of respiratory depression (CDC 2022, recommendation 11)',
  },
  { a: 'opioids', b: 'z-drugs', message: 'Opioid with a sedative hypnotic: risk of respiratory depression' },
  {
    a: 'opioids',
    b: 'gabapentinoids',
    message: 'Opioid with a gabapentinoid: risk of respiratory depression',
  },
  {
    a: 'digoxin',
    b: 'non-dihydropyridine-ccbs',
    message: 'Digoxin with verapamil or diltiazem: raised digoxin levels, bradycardia',
  },
  { a: 'digoxin', b: 'amiodarone', message: 'Digoxin with amiodarone: raised digoxin levels' },
  {
    a: 'ace-inhibitors',
    b: 'potassium-sparing-diuretics',
    message: 'ACE inhibitor with a potassium-sparing diuretic: hyperkalaemia risk',
  },
  {
    a: 'arbs',
    b: 'potassium-sparing-diuretics',
    message: 'ARB with a potassium-sparing diuretic: hyperkalaemia risk',
  },
  { a: 'ssris', b: 'maois', message: 'SSRI with an MAOI: serotonin syndrome risk' },
  { a: 'warfarin', b: 'amiodarone', message: 'Warfarin with amiodarone: raised INR' },
  { a: 'simvastatin', b: 'amiodarone', message: 'Simvastatin with amiodarone: myopathy risk' },
];
