import { parseAllDocuments } from 'yaml';

/**
 * Every document of a YAML stream as plain data (empty documents dropped). YAML 1.1 merge keys (`<<`)
 * are resolved, as Compose and Kubernetes read them. A syntax error throws, naming the source and line.
 */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const documents = parseAllDocuments(text, { merge: true, prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  const errors = list.flatMap((document) => document.errors);
  if (errors.length > 0)
    throw new Error(`${source}: not valid YAML:\n${errors.map((error) => error.message).join('\n')}`);
  return list.map((document) => document.toJS()).filter((value) => value !== null && value !== undefined);
}
