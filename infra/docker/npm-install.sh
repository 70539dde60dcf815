#!/bin/sh
# Installs the locked npm dependencies inside an image build: `npm ci` with the arguments given
# (workspaces, --omit=dev), or, when npm refuses the lockfile for the known npm 11 bug that leaves
# other platforms' optional binaries out of it (npm/cli#9846, EUSAGE), the same locked versions with
# `npm install --no-save` (as infra/dev.sh does). Any other failure fails the build.
#
# usage: sh infra/docker/npm-install.sh [npm ci arguments...]
set -eu
log="$(mktemp)"
if npm ci --no-audit --no-fund "$@" 2>"${log}"; then rm -f "${log}"; exit 0; fi
if ! grep -q 'EUSAGE' "${log}"; then cat "${log}" >&2; exit 1; fi
echo "npm-install: npm ci refused the lockfile (npm/cli#9846); installing the locked versions with npm install" >&2
rm -f "${log}"
exec npm install --no-save --no-audit --no-fund "$@"
