#!/usr/bin/env bash
# The project's entry point on a fresh machine: it brings its own Node 24 (when the machine's is
# older), installs the npm dependencies, and runs what you ask.
#
# usage: bash infra/dev.sh demo|test|lint|bench|install|--help
#
#   demo     the whole pipeline on embedded defaults (local Kafka, sandbox EHR, the three services)
#   test     every test suite (starts the project's Kafka broker when needed)
#   lint     biome (lint + format check) and tsc type checks
#   bench    the benchmark scripts; figures go to services/*/bench-results.json
#   install  only install Node (if needed) and the npm dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

case "${1:-}" in
  demo | test | lint | bench | install) ;;
  -h | --help | help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

# shellcheck source=infra/node/ensure-node.sh
source infra/node/ensure-node.sh

# Install when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

case "$1" in
  demo) npm run build && npm run demo ;;
  test) npm test ;;
  lint) npm run lint ;;
  bench) npm run bench ;;
  install) ;;
esac
