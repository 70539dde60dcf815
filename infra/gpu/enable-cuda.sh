#!/usr/bin/env bash
# On a GPU host: install node-llama-cpp's CUDA binaries (--vulkan: its Vulkan ones too).
#
# CPU hosts and CI stand the CUDA/Vulkan variants in with an empty package (package.json "overrides"),
# which keeps node_modules ~640 MB smaller. Deleting the overrides is not enough, as the lockfile pins
# those packages to the stand-in: infra/docker/inference-cuda/lift-cuda-overrides.mjs (the CUDA image's
# step) lifts the overrides and the lockfile entries that pin them, then npm install fetches
# node-llama-cpp's own pinned CUDA packages (~540 MB). package.json and package-lock.json change in this
# checkout: do not commit them. node-llama-cpp then offloads to the GPU (INFERENCE_GPU=auto or cuda).
#
# usage: bash infra/gpu/enable-cuda.sh [--vulkan]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--help" ]; then sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
source infra/node/ensure-node.sh
# Run again (after a failed download, say), what is lifted already is passed over.
node infra/docker/inference-cuda/lift-cuda-overrides.mjs --skip-lifted "$@"
npm install --no-audit --no-fund
echo "enable-cuda: done; check with: npx --workspace @aloe/inference node-llama-cpp inspect gpu"
