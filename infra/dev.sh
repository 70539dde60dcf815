#!/usr/bin/env bash
# The project's entry point on a fresh machine: it brings its own Node 24 (when the machine's is
# older), installs the npm dependencies, and runs what you ask.
#
# usage: bash infra/dev.sh demo|up|test|lint|bench|install|--help
#
#   demo     the whole pipeline on embedded defaults (local Kafka, sandbox EHR, the three services)
#   up       the same stack, kept running with the URLs to open (sidebar, compliance page, metrics)
#            until Ctrl-C
#   test     every test suite (starts the project's Kafka broker when needed)
#   lint     biome (lint + format check) and tsc type checks
#   bench    every service's bench and the pipeline bench; summary in bench-results.json (~15 min)
#   install  only install Node (if needed), the npm dependencies and the harm rail model
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

case "${1:-}" in
  demo | up | test | lint | bench | install) ;;
  -h | --help | help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

# shellcheck source=infra/node/ensure-node.sh
source infra/node/ensure-node.sh

# Install when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm 11 here leaves optional binaries the registry does not serve (other platforms' builds of
  # biome, swc, turbo) out of the lockfile, and then `npm ci` calls the lockfile out of sync
  # (npm/cli#9846). The locked versions still hold with `npm install --no-save`.
  npm ci --no-audit --no-fund 2>/tmp/aloe-npm-ci.log || {
    grep -q 'EUSAGE' /tmp/aloe-npm-ci.log || { cat /tmp/aloe-npm-ci.log >&2; exit 1; }
    echo "dev.sh: npm ci refused the lockfile (npm/cli#9846); installing the locked versions with npm install" >&2
    npm install --no-save --no-audit --no-fund
  }
fi

# The guardrails' harm rail model (from Maven Central; a no-op once its files check out).
bash infra/models/fetch-harm-model.sh

case "$1" in
  demo) npm run build && npm run demo ;;
  up) npm run build && exec node infra/demo/run-up.mjs ;;
  test) npm test ;;
  lint) npm run lint ;;
  bench) bash infra/kafka/kafka.sh start && npm run bench ;; # the pipeline bench needs the broker
  install) ;;
esac
