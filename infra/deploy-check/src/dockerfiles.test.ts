// The images' Dockerfiles (infra/docker), checked without Docker: syntax, build-context paths that
// exist and are not .dockerignored, stages, and a runtime stage on Node 24 LTS as a non-root user with
// a HEALTHCHECK.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { dockerfileProblems, dockerignoreFilter, NODE_BASE, readDockerignore } from './dockerfiles.js';
import { DOCKER_DIR, REPO_ROOT } from './paths.js';

const dockerfiles = readdirSync(DOCKER_DIR).filter((name) => name.endsWith('.Dockerfile'));
const context = { root: REPO_ROOT, ignored: readDockerignore(REPO_ROOT) };

describe('the Dockerfiles', () => {
  it('are one per service, the CUDA inference and the sandbox EHR', () => {
    expect(dockerfiles.sort()).toEqual([
      'fhir-adapter.Dockerfile',
      'guardrails.Dockerfile',
      'inference-cuda.Dockerfile',
      'inference.Dockerfile',
      'sandbox-ehr.Dockerfile',
    ]);
  });

  it.each(dockerfiles)(
    '%s: lints clean, copies what the context holds, runs as non-root with a HEALTHCHECK',
    (name) => {
      expect(dockerfileProblems(readFileSync(join(DOCKER_DIR, name), 'utf8'), context)).toEqual([]);
    },
  );

  it('keeps out of the context what must not be in an image, and lets in what the builds need', () => {
    for (const path of [
      'node_modules',
      'services/guardrails/node_modules/x',
      '.data/models',
      '.git',
      'infra/.env',
    ])
      expect({ [path]: context.ignored(path) }).toEqual({ [path]: true });
    for (const path of [
      'package-lock.json',
      '.npmrc',
      'infra/npm/empty-package/package.json',
      'packages/shared/src',
    ])
      expect({ [path]: context.ignored(path) }).toEqual({ [path]: false });
    const filter = dockerignoreFilter('**/dist\n!services/keep/dist\n');
    expect([filter('a/dist/x.js'), filter('services/keep/dist/x.js')]).toEqual([true, false]);
  });

  it('rejects a Dockerfile broken on purpose', () => {
    const broken = [
      `ARG NODE_IMAGE=${NODE_BASE}`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's ARG reference, not a template
      'FROM ${NODE_IMAGE} AS build',
      'COPYY package.json ./',
      'COPY services/no-such-service/ services/no-such-service/',
      'COPY .data/models /models',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile's ARG reference, not a template
      'FROM ${NODE_IMAGE}',
      'COPY --from=bild /src/dist dist',
      'CMD ["node", "dist/main.js"]',
    ].join('\n');
    expect(dockerfileProblems(broken, context)).toEqual([
      'line 3: Unknown instruction: COPYY',
      'line 4: COPY services/no-such-service/: not in the build context (the repository root)',
      'line 5: COPY .data/models: .dockerignore leaves it out',
      'line 7: COPY --from=bild: no earlier stage is named so',
      'the final stage runs as "root": name a numeric non-root USER',
      'the final stage has no HEALTHCHECK',
    ]);
    const onAnotherBase = readFileSync(join(DOCKER_DIR, 'guardrails.Dockerfile'), 'utf8').replace(
      `ARG NODE_IMAGE=${NODE_BASE}`,
      'ARG NODE_IMAGE=node:20-alpine',
    );
    expect(dockerfileProblems(onAnotherBase, context)).toEqual([
      `the final stage runs on node:20-alpine, not ${NODE_BASE} (nor a CUDA base with Node copied from it)`,
      `ARG NODE_IMAGE defaults to "node:20-alpine", not ${NODE_BASE}`,
    ]);
  });
});
