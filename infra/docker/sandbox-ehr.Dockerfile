# syntax=docker/dockerfile:1
# The sandbox EHR (infra/sandbox-ehr): a FHIR R4 server with synthetic patients, for a pilot or a demo
# without a hospital EHR. Never for real patients: its repository is in memory and its auth is a stub.
#
# Build from the repository root (the context is the monorepo, filtered by .dockerignore):
#   docker build -f infra/docker/sandbox-ehr.Dockerfile -t aloe/sandbox-ehr:0.1.0 .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS context
WORKDIR /src
COPY . .
# The npm manifests only (every workspace's package.json, the lockfile, .npmrc, the empty stand-in
# package): the install layers below are then reused until a manifest changes, whatever workspaces exist.
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete && \
    find . -type d -empty -delete

FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
ENV npm_config_update_notifier=false
COPY --from=context /src/ ./
COPY turbo.json tsconfig.base.json ./
COPY infra/docker/npm-install.sh infra/docker/

FROM manifests AS deps
RUN sh infra/docker/npm-install.sh --include-workspace-root -w @aloe/sandbox-ehr

FROM deps AS build
COPY infra/sandbox-ehr/ infra/sandbox-ehr/
RUN npx turbo run build --filter=@aloe/sandbox-ehr...

FROM manifests AS prod-deps
RUN sh infra/docker/npm-install.sh --omit=dev -w @aloe/sandbox-ehr && \
    mkdir -p infra/sandbox-ehr/node_modules

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SANDBOX_EHR_HOST=0.0.0.0 \
    SANDBOX_EHR_PORT=8080
WORKDIR /app
COPY --from=prod-deps /src/package.json ./
COPY --from=prod-deps /src/node_modules/ node_modules/
COPY --from=prod-deps /src/infra/sandbox-ehr/node_modules/ infra/sandbox-ehr/node_modules/
COPY --from=build /src/infra/sandbox-ehr/package.json infra/sandbox-ehr/
COPY --from=build /src/infra/sandbox-ehr/dist/ infra/sandbox-ehr/dist/
COPY infra/docker/http-health.mjs infra/docker/
USER 1000:1000
WORKDIR /app/infra/sandbox-ehr
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/infra/docker/http-health.mjs", "SANDBOX_EHR_PORT", "8080"]
CMD ["node", "dist/main.js"]
