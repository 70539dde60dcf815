// The Dockerfiles checked without Docker: syntax (dockerfile-utils, the linter of the VS Code Docker
// extension), then what makes these images right: each COPY from the build context names something
// that exists and that .dockerignore lets through, each COPY --from names an earlier stage, and the
// image that runs is the Node 24 LTS base (or CUDA), as a numeric non-root user, with a HEALTHCHECK.
import { existsSync, readFileSync } from 'node:fs';
import { join, matchesGlob, normalize } from 'node:path';
import { type Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/** The base every Node image runs on (Node 24 LTS, Debian 12). */
export const NODE_BASE = 'node:24-bookworm-slim';

/** .dockerignore patterns: a path is left out when it, or a folder above it, matches the last rule that names it. */
export function dockerignoreFilter(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => ({
      keep: line.startsWith('!'),
      pattern: normalize(line.replace(/^!/, '')).replace(/\/$/, ''),
    }));
  return (path: string) => {
    const parts = normalize(path).replace(/\/$/, '').split('/');
    let ignored = false;
    for (const rule of rules) {
      for (let depth = 1; depth <= parts.length; depth++) {
        if (matchesGlob(parts.slice(0, depth).join('/'), rule.pattern)) {
          ignored = !rule.keep;
          break;
        }
      }
    }
    return ignored;
  };
}

export function dockerfileProblems(
  content: string,
  context: { root: string; ignored: (path: string) => boolean },
): string[] {
  const problems = validate(content).map(
    (diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`,
  );
  const dockerfile = DockerfileParser.parse(content);
  // The ARGs before the first FROM: what `${NAME}` in a FROM line means unless the build overrides it.
  const firstFrom = dockerfile.getFROMs()[0]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  const argDefaults = new Map(
    dockerfile
      .getARGs()
      .filter((arg) => arg.getRange().start.line < firstFrom)
      .map((arg) => [arg.getProperty()?.getName() ?? '', arg.getProperty()?.getValue() ?? ''] as const),
  );
  const expand = (text: string) =>
    text.replace(/\$\{(\w+)\}/g, (_, name: string) => argDefaults.get(name) ?? '');
  const stages: string[] = [];
  let finalStage: { image: string; instructions: Instruction[] } | undefined;
  for (const from of dockerfile.getFROMs()) {
    const stage = from.getBuildStage();
    const instructions = dockerfile
      .getInstructions()
      .filter(
        (instruction) =>
          instruction.getRange().start.line > from.getRange().start.line &&
          instruction.getRange().start.line < nextFromLine(dockerfile.getFROMs(), from),
      );
    for (const instruction of instructions.filter((item) => item.getKeyword() === 'COPY')) {
      const line = instruction.getRange().start.line + 1;
      const flags = (instruction as Copy).getFlags();
      const fromStage = flags.find((flag) => flag.getName() === 'from')?.getValue();
      const args = instruction.getArguments().map((argument) => argument.getValue());
      const sources = args.slice(0, -1);
      if (fromStage) {
        if (!stages.includes(fromStage))
          problems.push(`line ${line}: COPY --from=${fromStage}: no earlier stage is named so`);
        continue;
      }
      for (const source of sources) {
        if (source === '.') continue;
        if (!existsSync(join(context.root, source)))
          problems.push(`line ${line}: COPY ${source}: not in the build context (the repository root)`);
        else if (context.ignored(source))
          problems.push(`line ${line}: COPY ${source}: .dockerignore leaves it out`);
      }
    }
    if (stage) stages.push(stage);
    finalStage = { image: expand(from.getImageName() ?? ''), instructions };
  }
  if (!finalStage) return [...problems, 'no FROM'];
  const keywords = finalStage.instructions.map((instruction) => instruction.getKeyword());
  const user = finalStage.instructions.findLast((instruction) => instruction.getKeyword() === 'USER');
  const [uid = ''] = (user?.getArgumentsContent() ?? '').split(':');
  if (!/^[1-9][0-9]*$/.test(uid))
    problems.push(
      `the final stage runs as "${user?.getArgumentsContent() ?? 'root'}": name a numeric non-root USER`,
    );
  if (!keywords.includes('HEALTHCHECK')) problems.push('the final stage has no HEALTHCHECK');
  if (!keywords.includes('CMD') && !keywords.includes('ENTRYPOINT'))
    problems.push('the final stage has no CMD');
  const base = finalStage.image;
  const copiesNode = finalStage.instructions.some(
    (instruction) =>
      instruction.getKeyword() === 'COPY' &&
      instruction.getArgumentsContent()?.includes('/usr/local/bin/node'),
  );
  if (base !== NODE_BASE && !(base.startsWith('nvidia/cuda:') && copiesNode))
    problems.push(
      `the final stage runs on ${base}, not ${NODE_BASE} (nor a CUDA base with Node copied from it)`,
    );
  if (!argDefaults.has('NODE_IMAGE') || argDefaults.get('NODE_IMAGE') !== NODE_BASE)
    problems.push(`ARG NODE_IMAGE defaults to "${argDefaults.get('NODE_IMAGE') ?? ''}", not ${NODE_BASE}`);
  return problems;
}

function nextFromLine(froms: readonly Instruction[], from: Instruction): number {
  const after = froms.find((other) => other.getRange().start.line > from.getRange().start.line);
  return after ? after.getRange().start.line : Number.POSITIVE_INFINITY;
}

export function readDockerignore(root: string): (path: string) => boolean {
  const path = join(root, '.dockerignore');
  return dockerignoreFilter(existsSync(path) ? readFileSync(path, 'utf8') : '');
}
