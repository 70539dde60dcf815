# syntax=docker/dockerfile:1
# The inference service for NVIDIA GPUs: the CUDA runtime libraries (nvidia/cuda …-runtime), Node 24
# copied from the official Node image, and node-llama-cpp's prebuilt CUDA binaries.
#
# The repository's package.json "overrides" stand @node-llama-cpp/linux-x64-cuda and -cuda-ext in with
# an empty package (infra/npm/empty-package), so CPU hosts and CI do not download ~640 MB. This image
# lifts those overrides (inference-cuda/lift-cuda-overrides.mjs: the overrides and the lockfile entries
# that pin the stand-in), so `npm install` fetches node-llama-cpp's own pinned CUDA packages from the npm
# registry; the lockfile in the image changes, the repository's does not. node-llama-cpp 3.22's CUDA
# binaries come as a CUDA 13 build and a CUDA 12 fallback it loads when the first cannot load;
# inference-cuda/check-cuda-libraries.sh fails the build unless one of them finds every library in the
# base (libcuda.so.1 aside: the host driver's, mounted at run time by the NVIDIA Container Toolkit).
#
# CUDA_IMAGE picks the base: 12.x (the default; the CUDA 12 build; NVIDIA driver 525 or newer) or a
# CUDA 13 runtime such as nvidia/cuda:13.0.1-runtime-ubuntu24.04 (the CUDA 13 build; driver 580 or
# newer). Its CUDA version must not be newer than the host driver supports (nvidia-smi shows it).
#
# Build from the repository root, run with a GPU:
#   docker build -f infra/docker/inference-cuda.Dockerfile -t aloe/inference-cuda:0.1.0 .
#   docker run --gpus all -v /srv/aloe/models:/models -e ALOE_MODEL=/models/<file>.gguf aloe/inference-cuda:0.1.0
ARG NODE_IMAGE=node:24-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu24.04

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

# The build needs no GPU binaries: the locked install, stand-ins included.
FROM manifests AS deps
RUN sh infra/docker/npm-install.sh --include-workspace-root -w @aloe/shared -w @aloe/inference

FROM deps AS build
COPY packages/shared/ packages/shared/
COPY services/inference/ services/inference/
RUN npx turbo run build --filter=@aloe/inference...

# The CUDA binaries replace the empty stand-ins (see the header).
FROM manifests AS prod-deps
COPY infra/docker/inference-cuda/lift-cuda-overrides.mjs infra/docker/inference-cuda/
RUN node infra/docker/inference-cuda/lift-cuda-overrides.mjs && \
    npm install --no-audit --no-fund --omit=dev -w @aloe/inference && \
    mkdir -p packages/shared/node_modules services/inference/node_modules

FROM ${NODE_IMAGE} AS node

FROM ${CUDA_IMAGE} AS runtime
COPY --from=node /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production \
    INFERENCE_HOST=0.0.0.0 \
    INFERENCE_GRPC_PORT=50051 \
    INFERENCE_METRICS_HOST=0.0.0.0 \
    INFERENCE_MODELS_DIR=/models \
    INFERENCE_GPU=cuda \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
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
# One of the two CUDA builds must find every library in this base (see the header).
COPY infra/docker/inference-cuda/check-cuda-libraries.sh infra/docker/inference-cuda/
RUN sh infra/docker/inference-cuda/check-cuda-libraries.sh
# The model volume: written by the service (hf: downloads, digest caches) as uid 1000.
RUN mkdir -p /models && chown 1000:1000 /models
VOLUME ["/models"]
USER 1000:1000
WORKDIR /app/services/inference
EXPOSE 50051 9464
# Serving only once the model has loaded: a 40 GB model can take minutes (an hf: download, longer).
HEALTHCHECK --interval=15s --timeout=6s --start-period=10m --retries=3 \
  CMD ["node", "/app/infra/docker/grpc-health.mjs", "INFERENCE_HEALTH_PORT,INFERENCE_GRPC_PORT", "50051"]
CMD ["node", "dist/main.js"]
