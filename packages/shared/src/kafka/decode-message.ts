import type { z } from 'zod';
import { ErrorCode } from '../errors/app-error.js';
import { Header, JSON_CONTENT_TYPE } from './headers.js';
import type { TopicContract } from './topics.js';

/** Why a message could not be decoded; the reason code goes into the dead-letter headers. */
export const DecodeFailure = {
  Empty: 'EMPTY_MESSAGE',
  ContentType: 'UNSUPPORTED_CONTENT_TYPE',
  Version: ErrorCode.SchemaVersionUnsupported,
  Json: 'MALFORMED_JSON',
  Schema: 'SCHEMA_INVALID',
} as const;

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string; message: string };

const MAX_REASON_LENGTH = 1_000;

/**
 * Decodes and validates one message against its topic contract. Pure: no I/O. The failure message
 * lists paths and rules, never the values, so it is safe for logs and DLQ headers.
 */
export function decodeMessage<S extends z.ZodType>(
  contract: TopicContract<S>,
  value: Buffer | null,
  headers: Record<string, string>,
): DecodeResult<z.output<S>> {
  if (value === null || value.length === 0) {
    return { ok: false, reason: DecodeFailure.Empty, message: 'The message has no value' };
  }
  const contentType = headers[Header.ContentType];
  if (contentType !== undefined && !contentType.startsWith(JSON_CONTENT_TYPE)) {
    return {
      ok: false,
      reason: DecodeFailure.ContentType,
      message: `content-type "${contentType.slice(0, 100)}" is not ${JSON_CONTENT_TYPE}`,
    };
  }
  // A missing header is read as the current version (tolerant reader, e.g. for messages typed into kcat).
  const version = headers[Header.SchemaVersion] ?? contract.schemaVersion;
  if (majorOf(version) !== majorOf(contract.schemaVersion)) {
    return {
      ok: false,
      reason: DecodeFailure.Version,
      message: `schema-version "${version.slice(0, 20)}" is not supported on ${contract.name} (this consumer reads ${majorOf(contract.schemaVersion)}.x)`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: DecodeFailure.Json, message: `Not valid JSON: ${(error as Error).message}` };
  }
  const parsed = contract.schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: DecodeFailure.Schema, message: summarizeIssues(parsed.error.issues) };
  }
  return { ok: true, value: parsed.data };
}

function majorOf(version: string): string {
  return version.split('.')[0] ?? '';
}

/** `patient.pseudonym: must be a pseudonym…; items[3].ref: …`, capped in length. */
export function summarizeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const text = issues
    .map((issue) => `${issue.path.length > 0 ? formatPath(issue.path) : '(root)'}: ${issue.message}`)
    .join('; ');
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
