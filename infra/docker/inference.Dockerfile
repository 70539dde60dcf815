# syntax=docker/dockerfile:1
# The inference service (services/inference), CPU build: node-llama-cpp's prebuilt linux-x64 binaries.
# For NVIDIA GPUs build inference-cuda.Dockerfile instead. The model is not in the image: mount it at
# /models and name it in ALOE_MODEL (a path such as /models/Llama3.1-Aloe-Beta-8B.Q4_K_M.gguf, or an
# hf: URI downloaded into /models at the first start); unset, the service serves its random-weight
# TEST MODEL (never for patients).
#
# Build from the repository root (the context is the monorepo, filtered by .dockerignore):
#   docker build -f infra/docker/inference.Dockerfile -t aloe/inference:0.1.0 .
#
# Stages: manifests, deps, build (turbo), prod-deps (production dependencies only), runtime (uid 1000).
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
RUN sh infra/docker/npm-install.sh --include-workspace-root -w @aloe/shared -w @aloe/inference

FROM deps AS build
COPY packages/shared/ packages/shared/
COPY services/inference/ services/inference/
RUN npx turbo run build --filter=@aloe/inference...

FROM manifests AS prod-deps
RUN sh infra/docker/npm-install.sh --omit=dev -w @aloe/inference && \
    mkdir -p packages/shared/node_modules services/inference/node_modules

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    INFERENCE_HOST=0.0.0.0 \
    INFERENCE_GRPC_PORT=50051 \
    INFERENCE_METRICS_HOST=0.0.0.0 \
    INFERENCE_MODELS_DIR=/models \
    INFERENCE_GPU=cpu
WORKDIR /app
COPY --from=prod-deps /src/package.json ./
COPY --from=prod-deps /src/node_modules/ node_modules/
COPY --from=prod-deps /src/packages/shared/node_modules/ packages/shared/node_modules/
COPY --from=build /src/packages/shared/package.json packages/shared/
COPY --from=build /src/packages/shared/proto/ packages/shared/proto/
COPY --from=build /src/packages/shared/dist/ packages/shared/dist/
COPY --from=prod-deps /src/services/inference/node_modules/ services/inference/node_modules/
COPY --from=build /src/services/inference/package.json services/inference/
COPY --from=build /src/services/inference/dist/ services/inference/dist/
COPY infra/docker/grpc-health.mjs infra/docker/
# The model volume: written by the service (hf: downloads, the test model, digest caches) as uid 1000.
RUN mkdir -p /models && chown 1000:1000 /models
VOLUME ["/models"]
# uid 1000 is the node user of the base image; numeric, so Kubernetes can check runAsNonRoot.
USER 1000:1000
WORKDIR /app/services/inference
EXPOSE 50051 9464
# Serving only once the model has loaded: a 40 GB model can take minutes (an hf: download, longer).
HEALTHCHECK --interval=15s --timeout=6s --start-period=10m --retries=3 \
  CMD ["node", "/app/infra/docker/grpc-health.mjs", "INFERENCE_HEALTH_PORT,INFERENCE_GRPC_PORT", "50051"]
CMD ["node", "dist/main.js"]
