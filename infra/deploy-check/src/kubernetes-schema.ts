// Kubernetes manifests against the API's own schemas (kubernetes-models: the OpenAPI of Kubernetes
// v1.36, compiled to ajv validators), plus what those schemas let through: a field the API does not
// know (a typo such as `readinesProbe`), which `kubectl apply` refuses (strict field validation). The
// schemas allow any extra field, so the field names are checked against the same models' TypeScript
// types, by the TypeScript compiler's excess-property check.
import { join } from 'node:path';
import ts from 'typescript';
import { PACKAGE_DIR } from './paths.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

export function isManifest(value: unknown): value is Manifest {
  const object = value as Partial<Manifest> | null;
  return typeof object?.apiVersion === 'string' && typeof object.kind === 'string';
}

export function manifestName(manifest: Manifest): string {
  return `${manifest.kind}/${manifest.metadata?.name ?? '(no name)'}`;
}

/** The kubernetes-models module of a kind: `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`. */
const modelModule = (manifest: Manifest) => `kubernetes-models/${manifest.apiVersion}/${manifest.kind}`;

interface KubernetesModel {
  validate(): void;
}
type ModelClass = new (data: unknown) => KubernetesModel;

/** Types, formats, enums and required fields; a kind without a schema is itself a problem. */
export async function schemaProblems(manifest: Manifest): Promise<string[]> {
  const module = (await import(modelModule(manifest)).catch(() => undefined)) as
    | Record<string, ModelClass>
    | undefined;
  const Model = module?.[manifest.kind];
  if (!Model)
    return [`no Kubernetes ${KUBERNETES_SCHEMA} schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new Model(manifest).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

export const KUBERNETES_SCHEMA = 'v1.36 (kubernetes-models 5.1.0)';

/**
 * Fields the Kubernetes API does not have, per manifest (same order as given). Each manifest becomes
 * `const mN: I<Kind> = <its JSON>;` in a program the TypeScript compiler checks in memory.
 */
export function unknownFieldProblems(manifests: readonly Manifest[]): string[][] {
  const fileName = join(PACKAGE_DIR, 'src', '__rendered-manifests__.ts');
  const imports: string[] = [];
  const aliases = new Map<string, string>();
  const declarations = manifests.map((manifest, index) => {
    const from = modelModule(manifest);
    let alias = aliases.get(from);
    if (!alias) {
      alias = `Model${aliases.size}`;
      aliases.set(from, alias);
      imports.push(`import type { I${manifest.kind} as ${alias} } from '${from}';`);
    }
    return `export const m${index}: ${alias} = ${JSON.stringify(manifest)};`;
  });
  const text = [...imports, ...declarations].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, text, language)
      : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === fileName || fileExists.call(host, name);
  host.readFile = (name) => (name === fileName ? text : readFile.call(host, name));
  const program = ts.createProgram([fileName], options, host);
  const problems: string[][] = manifests.map(() => []);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== fileName || diagnostic.start === undefined)
      throw new Error(`the field check could not run: ${message}`);
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line - imports.length;
    if (line < 0) throw new Error(`the field check could not run: ${message}`);
    problems[line]?.push(message);
  }
  return problems;
}

/** Schema and field problems of each manifest, keyed by kind/name; empty when all are valid. */
export async function manifestProblems(manifests: readonly Manifest[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  const modelled: Manifest[] = [];
  for (const manifest of manifests) {
    const problems = await schemaProblems(manifest);
    if (problems.length > 0) found[manifestName(manifest)] = problems;
    // A kind without a model has no types either: its schema problem says so already.
    if (!problems[0]?.startsWith('no Kubernetes')) modelled.push(manifest);
  }
  const fields = unknownFieldProblems(modelled);
  for (const [index, manifest] of modelled.entries()) {
    const problems = fields[index] ?? [];
    if (problems.length > 0)
      found[manifestName(manifest)] = [...(found[manifestName(manifest)] ?? []), ...problems];
  }
  return found;
}
