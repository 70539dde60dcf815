import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { GgufFileType } from 'node-llama-cpp';

/** What produced an answer: attached to every response, the audit log and FHIR Provenance. */
export interface ModelIdentity {
  id: string;
  name: string;
  fileSha256: string;
  architecture: string;
  quantization: string;
  chatTemplate: string;
  contextLength: number;
  testModel: boolean;
  source: string;
}

/** The file's SHA-256, streamed (an 8B Q4 file is ~5 GB; this runs once, at load). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
  sha256: string;
  metadata: Record<string, unknown>;
  chatTemplate: string;
  contextLength: number;
}): ModelIdentity {
  const general = (facts.metadata.general ?? {}) as {
    name?: string;
    architecture?: string;
    file_type?: number;
  };
  const testModel = (facts.metadata.aloe as { test_model?: unknown } | undefined)?.test_model === true;
  const name = general.name ?? basename(facts.path).replace(/\.gguf$/i, '');
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-|-$/g, '');
  return {
    id: `${slug}@sha256:${facts.sha256.slice(0, 12)}`,
    name: testModel && !/test model/i.test(name) ? `${name} (TEST MODEL)` : name,
    fileSha256: facts.sha256,
    architecture: general.architecture ?? 'unknown',
    quantization: quantizationName(general.file_type),
    chatTemplate: facts.chatTemplate,
    contextLength: facts.contextLength,
    testModel,
    source: facts.source,
  };
}
