#!/usr/bin/env bash
# Source this file: it puts a supported Node.js LTS (>= 22) first on PATH.
#
# The project targets Node 24 LTS. Machines that only have an older Node (this team's dev
# machines ship Node 20) get the official Node 24 binary from the npm registry package
# `node-linux-<arch>`, installed once into .tools/ (git-ignored). npm itself is plain JS
# and runs on whichever node is first on PATH.
#
#   source infra/node/ensure-node.sh        # or: bash infra/node/ensure-node.sh --help

ALOE_NODE_VERSION="${ALOE_NODE_VERSION:-24.21.0}"

if [ "${1:-}" = "--help" ]; then
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  return 0 2>/dev/null || exit 0
fi

_aloe_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_aloe_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_aloe_node_major)" -lt 22 ]; then
  case "$(uname -m)" in
    x86_64) _aloe_arch=x64 ;;
    aarch64 | arm64) _aloe_arch=arm64 ;;
    *) echo "ensure-node: no Node ${ALOE_NODE_VERSION} package for $(uname -m); install Node >= 22 yourself" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  _aloe_pkg="node-linux-${_aloe_arch}"
  _aloe_dir="${_aloe_root}/.tools/node-${ALOE_NODE_VERSION}"
  _aloe_bin="${_aloe_dir}/node_modules/${_aloe_pkg}/bin"
  if [ ! -x "${_aloe_bin}/node" ]; then
    echo "ensure-node: system Node is $(node --version 2>/dev/null || echo absent); installing Node ${ALOE_NODE_VERSION} into .tools/ from the npm registry" >&2
    npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "${_aloe_dir}" "${_aloe_pkg}@${ALOE_NODE_VERSION}" >&2 || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="${_aloe_bin}:${PATH}"
fi
echo "ensure-node: using Node $(node --version) at $(command -v node)" >&2
unset _aloe_root _aloe_arch _aloe_pkg _aloe_dir _aloe_bin
