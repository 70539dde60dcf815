#!/usr/bin/env bash
# Helm without a helm binary: helm-java (com.marcnuri.helm-java, pinned in pom.xml) runs the real Helm
# library from Maven Central's native jar through JNA, on linux/amd64.
#
# usage: infra/deploy-check/helm/helm.sh fetch|status|version|template <chart> <release> <namespace> <kube version> [values]...
#
#   fetch     download the jars from Maven Central (once) and compile the driver; a no-op when ready
#   status    exit 0 when templating needs no download; otherwise say what is missing, exit 1
#   version   the Helm version inside helm-java
#   template  `helm template` of the chart with those values files, to stdout; Helm's error, exit 1
#
# Environment:
#   ALOE_HELM_HOME  jars and compiled driver (default <repo>/.data/deploy-check-helm)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../../.." && pwd)"
home="${ALOE_HELM_HOME:-${root}/.data/deploy-check-helm}"
lib="${home}/lib"
classes="${home}/classes"
# The jars are fetched again when the pom changes.
pom_sha="$(sha256sum "${here}/pom.xml" | cut -c1-16)"

say() { echo "helm: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

jars_ready() { [ -f "${lib}/.pom-sha" ] && [ "$(cat "${lib}/.pom-sha")" = "${pom_sha}" ]; }
driver_ready() { [ -f "${classes}/RenderChart.class" ] && [ "${classes}/RenderChart.class" -nt "${here}/RenderChart.java" ]; }

missing() {
  [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "helm-java's native jar here is linux/amd64 only (this is $(uname -s)/$(uname -m))"; return; }
  command -v java >/dev/null || { echo "java not found: install a JDK (17 or newer)"; return; }
  command -v javac >/dev/null || { echo "javac not found: install a JDK (17 or newer)"; return; }
  jars_ready || { command -v mvn >/dev/null || { echo "mvn not found: install Apache Maven (it fetches helm-java from Maven Central)"; return; }
    echo "helm-java is not fetched yet: run bash infra/deploy-check/helm/helm.sh fetch"; return; }
}

prepare() {
  local reason
  reason="$(missing)"
  case "${reason}" in "" | "helm-java is not fetched yet"*) ;; *) die "${reason}" ;; esac
  mkdir -p "${home}"
  # Two test runners may prepare at once; one does the work, the other waits for it.
  exec 9>"${home}/.lock"
  flock 9
  if ! jars_ready; then
    say "fetching com.marcnuri.helm-java (pom.xml) from Maven Central"
    rm -rf "${lib}"
    mkdir -p "${lib}"
    mvn -q -B -f "${here}/pom.xml" dependency:copy-dependencies -DoutputDirectory="${lib}" \
      -DincludeScope=runtime >"${home}/fetch.log" 2>&1 ||
      { cat "${home}/fetch.log" >&2; die "Maven could not fetch helm-java (log above)"; }
    echo "${pom_sha}" >"${lib}/.pom-sha"
  fi
  if ! driver_ready; then
    rm -rf "${classes}"
    mkdir -p "${classes}"
    javac -nowarn -d "${classes}" -cp "${lib}/*" "${here}/RenderChart.java" || die "could not compile RenderChart.java"
  fi
  exec 9>&-
}

case "${1:-}" in
  "" | -h | --help | help) usage ;;
  fetch) prepare && say "ready: $(ls "${lib}" | grep -c '\.jar$') jars in ${lib}" ;;
  status)
    reason="$(missing)"
    if [ -z "${reason}" ] && ! driver_ready; then reason="the driver is not compiled yet: run bash infra/deploy-check/helm/helm.sh fetch"; fi
    if [ -n "${reason}" ]; then say "${reason}"; exit 1; fi
    say "ready"
    ;;
  version)
    prepare
    tmp=$(mktemp -d)
    trap 'rm -rf "${tmp}"' EXIT
    printf 'public class V { public static void main(String[] a) { System.out.println(com.marcnuri.helm.Helm.version().call()); } }\n' >"${tmp}/V.java"
    javac -nowarn -d "${tmp}" -cp "${lib}/*" "${tmp}/V.java"
    java -cp "${tmp}:${lib}/*" V
    ;;
  template)
    shift
    prepare
    # KUBECONFIG: templating talks to no cluster; nothing of the user's is read.
    KUBECONFIG=/dev/null HELM_CACHE_HOME="${home}/cache" HELM_CONFIG_HOME="${home}/config" HELM_DATA_HOME="${home}/data" \
      exec java -Djava.awt.headless=true -cp "${classes}:${lib}/*" RenderChart "$@"
    ;;
  *) usage >&2; exit 2 ;;
esac
