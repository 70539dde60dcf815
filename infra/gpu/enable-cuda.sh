#!/usr/bin/env bash
# On a GPU host (or in its container build): install node-llama-cpp's CUDA binaries.
#
# CPU hosts and CI stand the CUDA/Vulkan variants in with an empty package (package.json "overrides"),
# which keeps node_modules ~640 MB smaller. This lifts the CUDA overrides in this checkout and
# reinstalls; node-llama-cpp then offloads to the GPU (INFERENCE_GPU=auto or cuda).
#
# usage: bash infra/gpu/enable-cuda.sh [--vulkan]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--help" ]; then sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
source infra/node/ensure-node.sh
npm pkg delete 'overrides.@node-llama-cpp/linux-x64-cuda' 'overrides.@node-llama-cpp/linux-x64-cuda-ext'
if [ "${1:-}" = "--vulkan" ]; then npm pkg delete 'overrides.@node-llama-cpp/linux-x64-vulkan'; fi
npm install --no-audit --no-fund
echo "enable-cuda: done; check with: npx --workspace @aloe/inference node-llama-cpp inspect gpu"
