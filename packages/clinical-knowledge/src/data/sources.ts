/** A guideline, implementation guide, label or terminology a rule or table encodes. */
export interface KnowledgeSource {
  /** Short citation a clinician recognises, e.g. "CDC 2022 opioid guideline, recommendation 11". */
  label: string;
  url: string;
}

// Every source cited by a table or rule of this package, defined once.
export const SOURCES = {
  fdaEpc: {
    label: 'FDA Established Pharmacologic Classes (EPC), as used in US drug labels',
    url: 'https://www.fda.gov/industry/structured-product-labeling-resources/pharmacologic-class',
  },
  inn: {
    label: 'WHO International Nonproprietary Names and British Approved Names (BNF)',
    url: 'https://www.who.int/teams/health-product-and-policy-standards/inn',
  },
  pddiCds: {
    label: 'HL7 Potential Drug-Drug Interaction (PDDI) CDS Implementation Guide',
    url: 'https://build.fhir.org/ig/HL7/PDDI-CDS/',
  },
  pddiWarfarinNsaids: {
    label: 'HL7 PDDI-CDS IG: warfarin + NSAIDs',
    url: 'https://build.fhir.org/ig/HL7/PDDI-CDS/warfarin-nsaids-cds.html',
  },
  pddiDigoxinCyclosporine: {
    label: 'HL7 PDDI-CDS IG: digoxin + cyclosporine',
    url: 'https://build.fhir.org/ig/HL7/PDDI-CDS/digoxin-cyclosporine-cds.html',
  },
  oncHighPriorityDdi: {
    label: 'ONC high-priority drug-drug interactions (Phansalkar et al., JAMIA 2012;19:735-743)',
    url: 'https://doi.org/10.1136/amiajnl-2011-000612',
  },
  oncHighPriorityDdiOutpatient: {
    label: 'High-priority DDIs for outpatient EHRs (Phansalkar et al., JAMIA 2013;20:489-493)',
    url: 'https://doi.org/10.1136/amiajnl-2012-001089',
  },
  cdcOpioid2022: {
    label: 'CDC Clinical Practice Guideline for Prescribing Opioids for Pain, 2022',
    url: 'https://www.cdc.gov/mmwr/volumes/71/rr/rr7103a1.htm',
  },
  cdcOpioidCdsIg: {
    label: 'CDC Opioid Prescribing Support Implementation Guide (opioid-cds-r4)',
    url: 'https://build.fhir.org/ig/cqframework/opioid-cds-r4/',
  },
  cdcMme: {
    label: 'CDC MME conversion factors (Opioid MME Calculator IG, CDC 2022 guideline)',
    url: 'https://build.fhir.org/ig/cqframework/opioid-mme-r4/conversion-factors.html',
  },
  fdaOpioidBenzodiazepine: {
    label: 'FDA boxed warning: opioids with benzodiazepines (2016)',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-fda-warns-about-serious-risks-and-death-when-combining-opioid-pain-or',
  },
  fdaGabapentinoids: {
    label: 'FDA: serious breathing problems with gabapentinoids and CNS depressants (2019)',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-warns-about-serious-breathing-problems-seizure-and-nerve-pain-medicines-gabapentin-neurontin',
  },
  fdaCodeineTramadolChildren: {
    label: 'FDA: codeine and tramadol contraindicated in children under 12 (2017)',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-fda-restricts-use-prescription-codeine-pain-and-cough-medicines-and',
  },
  fdaMetforminRenal: {
    label: 'FDA: metformin use with reduced kidney function (2016)',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-fda-revises-warnings-regarding-use-diabetes-medicine-metformin-certain',
  },
  fdaPromethazineChildren: {
    label: 'FDA boxed warning: promethazine contraindicated under 2 years',
    url: 'https://www.accessdata.fda.gov/drugsatfda_docs/label/2012/008857s064lbl.pdf',
  },
  bnfcAspirin: {
    label: "BNF for Children: aspirin contra-indicated under 16 years (Reye's syndrome)",
    url: 'https://bnfc.nice.org.uk/drugs/aspirin/',
  },
  beers2023: {
    label: 'American Geriatrics Society 2023 Beers Criteria',
    url: 'https://doi.org/10.1111/jgs.18372',
  },
  kdigo2024: {
    label: 'KDIGO 2024 Clinical Practice Guideline for CKD (drug stewardship)',
    url: 'https://kdigo.org/guidelines/ckd-evaluation-and-management/',
  },
  ckdEpi2021: {
    label: 'CKD-EPI 2021 creatinine equation (Inker et al., NEJM 2021;385:1737-49)',
    url: 'https://doi.org/10.1056/NEJMoa2102953',
  },
  drugAllergy2022: {
    label: 'Drug allergy: a 2022 practice parameter update (AAAAI/ACAAI, J Allergy Clin Immunol 2022)',
    url: 'https://doi.org/10.1016/j.jaci.2022.08.028',
  },
  fhirAllergyIntolerance: {
    label: 'FHIR R4 AllergyIntolerance',
    url: 'https://hl7.org/fhir/R4/allergyintolerance.html',
  },
  fhirPatientDeceased: {
    label: 'FHIR R4 Patient.deceased[x]',
    url: 'https://hl7.org/fhir/R4/patient-definitions.html#Patient.deceased_x_',
  },
  loinc: {
    label: 'LOINC (Regenstrief Institute)',
    url: 'https://loinc.org/',
  },
  fdaStatinInteractions: {
    label: 'FDA: simvastatin and lovastatin with strong CYP3A4 inhibitors (2012 label changes)',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-important-safety-label-changes-cholesterol-lowering-statin-drugs',
  },
  fdaClopidogrelPpi: {
    label: 'FDA: clopidogrel with omeprazole or esomeprazole (2009/2010)',
    url: 'https://www.fda.gov/drugs/postmarket-drug-safety-information-patients-and-providers/information-healthcare-professionals-update-safety-labeling-changes-plavix-clopidogrel-bisulfate',
  },
} as const satisfies Record<string, KnowledgeSource>;

export type SourceId = keyof typeof SOURCES;
