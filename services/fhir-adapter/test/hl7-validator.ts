// The HL7 FHIR validator (infra/fhir-validator/validate.sh) from tests: whether it can run without a
// download, and its report on a folder of resources.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCRIPT = join(process.cwd(), '../../infra/fhir-validator/validate.sh');

export interface ValidatorIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  location: string;
  message: string;
  messageId: string;
}

export interface ValidatorReport {
  validator: string;
  fhirVersion: string;
  loadMs: number;
  validateMs: number;
  results: Array<{ file: string; resourceType: string | null; issues: ValidatorIssue[] }>;
}

/** Ready, or why not (no Java, jars not fetched…): the tests skip and say so, never download. */
export function hl7ValidatorStatus(): { ready: boolean; why: string } {
  const status = spawnSync('bash', [SCRIPT, 'status'], { encoding: 'utf8' });
  return { ready: status.status === 0, why: status.stderr.trim().replace(/^fhir-validator: /, '') };
}

/** Validates JSON resources (files or folders) in one JVM. */
export async function runHl7Validator(paths: string[]): Promise<ValidatorReport> {
  const { stdout } = await promisify(execFile)('bash', [SCRIPT, ...paths], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as ValidatorReport;
}
