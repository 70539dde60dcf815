# syntax=docker/dockerfile:1
# The FHIR adapter (services/fhir-adapter): CDS Hooks, the sidebar, the EHR reads and the write-back.
#
# Build from the repository root (the context is the monorepo, filtered by .dockerignore):
#   docker build -f infra/docker/fhir-adapter.Dockerfile -t aloe/fhir-adapter:0.1.0 .
#
# Stages: context and manifests (every workspace's package.json), deps (npm ci of what this service builds from),
# build (turbo), prod-deps (production dependencies only), runtime (those, the dist folders, uid 1000).
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
# sandbox-ehr: the conformance tool in dist imports it at build time (never loaded by main.js).
RUN sh infra/docker/npm-install.sh --include-workspace-root \
    -w @aloe/shared -w @aloe/clinical-knowledge -w @aloe/sandbox-ehr -w @aloe/fhir-adapter

FROM deps AS build
COPY packages/shared/ packages/shared/
COPY packages/clinical-knowledge/ packages/clinical-knowledge/
COPY infra/sandbox-ehr/ infra/sandbox-ehr/
COPY services/fhir-adapter/ services/fhir-adapter/
RUN npx turbo run build --filter=@aloe/fhir-adapter...

FROM manifests AS prod-deps
RUN sh infra/docker/npm-install.sh --omit=dev -w @aloe/fhir-adapter && \
    mkdir -p packages/shared/node_modules packages/clinical-knowledge/node_modules services/fhir-adapter/node_modules

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    FHIR_ADAPTER_HTTP_PORT=8081 \
    FHIR_ADAPTER_METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps /src/package.json ./
COPY --from=prod-deps /src/node_modules/ node_modules/
COPY --from=prod-deps /src/packages/shared/node_modules/ packages/shared/node_modules/
COPY --from=build /src/packages/shared/package.json packages/shared/
COPY --from=build /src/packages/shared/proto/ packages/shared/proto/
COPY --from=build /src/packages/shared/dist/ packages/shared/dist/
COPY --from=prod-deps /src/packages/clinical-knowledge/node_modules/ packages/clinical-knowledge/node_modules/
COPY --from=build /src/packages/clinical-knowledge/package.json packages/clinical-knowledge/
COPY --from=build /src/packages/clinical-knowledge/dist/ packages/clinical-knowledge/dist/
COPY --from=prod-deps /src/services/fhir-adapter/node_modules/ services/fhir-adapter/node_modules/
COPY --from=build /src/services/fhir-adapter/package.json services/fhir-adapter/
COPY --from=build /src/services/fhir-adapter/dist/ services/fhir-adapter/dist/
COPY infra/docker/http-health.mjs infra/docker/
# uid 1000 is the node user of the base image; numeric, so Kubernetes can check runAsNonRoot.
USER 1000:1000
WORKDIR /app/services/fhir-adapter
EXPOSE 8081 9466
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/infra/docker/http-health.mjs", "FHIR_ADAPTER_HTTP_PORT", "8081"]
CMD ["node", "dist/main.js"]
