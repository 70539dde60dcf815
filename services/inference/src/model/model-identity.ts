import { basename } from 'node:path';
import { GgufFileType } from 'node-llama-cpp';
import { type ModelFilePart, modelDigest } from './model-files.js';

/** What produced an answer: attached to every response, the audit log and FHIR Provenance. */
export interface ModelIdentity {
  id: string;
  /** The configured label, else the GGUF's general.name, else the file name. */
  name: string;
  /** The model digest (model-files.ts modelDigest): the file's SHA-256, or over a split model's parts. */
  fileSha256: string;
  architecture: string;
  quantization: string;
  /** The chat template's id (`llama-3.1-instruct@sha256:…`). */
  chatTemplate: string;
  contextLength: number;
  testModel: boolean;
  source: string;
  parts: Array<Omit<ModelFilePart, 'path'>>;
  /** The Aloe seed system this is ("Llama3.1-Aloe-Beta-8B"), or "" when it is none of them. */
  seedModel: string;
}

/** `MOSTLY_Q4_K_M` → `Q4_K_M`; `ALL_F32` → `F32`. */
export function quantizationName(fileType: number | undefined): string {
  if (fileType === undefined) return 'unknown';
  const name = (GgufFileType as Record<number, string>)[fileType];
  return name ? name.replace(/^(MOSTLY|ALL)_/, '') : `file_type_${fileType}`;
}

/** Builds the identity from what the loader read. Pure. */
export function buildModelIdentity(facts: {
  path: string;
  source: string;
  parts: readonly ModelFilePart[];
  metadata: Record<string, unknown>;
  label?: string | undefined;
  templateId: string;
  contextLength: number;
  seedModel?: string | undefined;
}): ModelIdentity {
  const general = (facts.metadata.general ?? {}) as {
    name?: string;
    architecture?: string;
    file_type?: number;
  };
  const testModel = (facts.metadata.aloe as { test_model?: unknown } | undefined)?.test_model === true;
  const name =
    facts.label ||
    general.name ||
    basename(facts.path)
      .replace(/\.gguf$/i, '')
      .replace(/-\d{5}-of-\d{5}$/, '');
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-|-$/g, '');
  const digest = modelDigest(facts.parts);
  return {
    id: `${slug}@sha256:${digest.slice(0, 12)}`,
    name: testModel && !/test model/i.test(name) ? `${name} (TEST MODEL)` : name,
    fileSha256: digest,
    architecture: general.architecture ?? 'unknown',
    quantization: quantizationName(general.file_type),
    chatTemplate: facts.templateId,
    contextLength: facts.contextLength,
    testModel,
    source: facts.source,
    parts: facts.parts.map(({ fileName, sizeBytes, sha256 }) => ({ fileName, sizeBytes, sha256 })),
    seedModel: facts.seedModel ?? '',
  };
}
