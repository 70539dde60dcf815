#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, no ZooKeeper) for development, the demo and tests.
#
# usage: infra/kafka/kafka.sh start|stop|status|logs|fetch|reset|--help
#
#   fetch   download the pinned broker (org.apache.kafka:kafka_2.13, see pom.xml) from Maven Central
#   start   fetch if needed, format storage once, start the broker and wait until it answers;
#           harmless when it already runs
#   stop    stop it cleanly (SIGTERM, then SIGKILL after 30 s)
#   status  exit 0 and say so when the broker answers, exit 1 otherwise
#   logs    print the last 100 lines of the broker log
#   reset   stop and delete all topics and offsets (keeps the downloaded jars)
#
# Environment:
#   KAFKA_PORT             client port on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   ALOE_KAFKA_HOME        where jars, data and logs live (default <repo>/.data/kafka, git-ignored;
#                          a port other than 9092 keeps its data, log and pid in port-<port>/ there)
#   KAFKA_HEAP_OPTS        JVM heap (default -Xms256m -Xmx768m)
#   KAFKA_START_TIMEOUT_S  how long start waits for the broker (default 90)
#   KAFKA_MAX_MESSAGE_BYTES  the broker's message.max.bytes and replica.fetch.max.bytes (default 1048576);
#                          give the services the same value (they check it before sending)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
home="${ALOE_KAFKA_HOME:-${root}/.data/kafka}"
lib="${home}/lib"
# A broker is keyed by its port: each port has its own data, log and pid (9092 keeps the folder itself),
# so a second broker (CI's on 19092 beside the demo's on 9092) never waits for or stops the other.
state="${home}"
[ "${port}" = 9092 ] || state="${home}/port-${port}"
data="${state}/data"
log_file="${state}/broker.log"
pid_file="${state}/broker.pid"
props="${state}/server.properties"
heap="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
start_timeout_s="${KAFKA_START_TIMEOUT_S:-90}"
max_message_bytes="${KAFKA_MAX_MESSAGE_BYTES:-1048576}"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "${here}/pom.xml")"

say() { echo "kafka: $*" >&2; }
die() { say "$*"; exit 1; }

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

broker_pid() {
  [ -f "${pid_file}" ] || return 1
  local pid
  pid="$(cat "${pid_file}")"
  kill -0 "${pid}" 2>/dev/null || return 1
  echo "${pid}"
}

is_ready() { broker_pid >/dev/null && port_open "${port}" && grep -q "Kafka Server started" "${log_file}" 2>/dev/null; }

fetch() {
  if [ -f "${lib}/.version" ] && [ "$(cat "${lib}/.version")" = "${version}" ]; then return 0; fi
  command -v java >/dev/null || die "java not found: install a JDK (17 or newer)"
  command -v mvn >/dev/null || die "mvn not found: install Apache Maven (it fetches the broker from Maven Central)"
  say "fetching Apache Kafka ${version} (org.apache.kafka:kafka_2.13) from Maven Central"
  rm -rf "${lib}"
  mkdir -p "${lib}"
  mvn -q -B -f "${here}/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="${lib}" -DincludeScope=runtime >"${home}/fetch.log" 2>&1 ||
    { cat "${home}/fetch.log" >&2; die "Maven could not fetch the broker (log above)"; }
  echo "${version}" >"${lib}/.version"
}

write_properties() {
  [[ "${max_message_bytes}" =~ ^[0-9]+$ ]] || die "KAFKA_MAX_MESSAGE_BYTES must be a whole number of bytes, not \"${max_message_bytes}\""
  sed -e "s|@@PORT@@|${port}|g" -e "s|@@CONTROLLER_PORT@@|${controller_port}|g" -e "s|@@DATA_DIR@@|${data}|g" \
    -e "s|@@MAX_MESSAGE_BYTES@@|${max_message_bytes}|g" \
    "${here}/server.properties.template" >"${props}"
}

java_cmd() {
  # shellcheck disable=SC2086 # heap holds several flags on purpose
  exec_or_run java ${heap} -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="${here}/log4j2.properties" -cp "${lib}/*" "$@"
}
exec_or_run() { if [ "${exec_java:-}" = 1 ]; then exec "$@"; else "$@"; fi; }

format_storage() {
  [ -f "${data}/meta.properties" ] && return 0
  mkdir -p "${data}"
  local cluster_id
  cluster_id="$(java_cmd kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  say "formatting storage in ${data} (cluster ${cluster_id})"
  java_cmd kafka.tools.StorageTool format --standalone -t "${cluster_id}" -c "${props}" >>"${log_file}" 2>&1 ||
    { tail -n 20 "${log_file}" >&2; die "storage format failed"; }
}

start() {
  mkdir -p "${home}" "${state}"
  # Two test runners may call start at once; one does the work, the other waits for it.
  exec 9>"${state}/.lock"
  flock 9
  if is_ready; then
    say "already running (Kafka ${version}, pid $(broker_pid)) on 127.0.0.1:${port}"
    return 0
  fi
  if ! broker_pid >/dev/null && port_open "${port}"; then
    die "port ${port} is taken by another process; set KAFKA_PORT to a free port"
  fi
  fetch
  write_properties
  if ! broker_pid >/dev/null; then
    format_storage
    : >"${log_file}"
    # The subshell becomes the JVM (exec), so the pid written below is the broker's own.
    (exec_java=1 java_cmd kafka.Kafka "${props}") >>"${log_file}" 2>&1 </dev/null 9>&- &
    echo $! >"${pid_file}"
    say "starting Kafka ${version} (pid $!) on 127.0.0.1:${port}, data in ${data}"
  fi
  local waited=0
  until is_ready; do
    broker_pid >/dev/null || { tail -n 30 "${log_file}" >&2; die "the broker exited during start-up (log above)"; }
    [ "${waited}" -ge $((start_timeout_s * 5)) ] && die "the broker did not answer within ${start_timeout_s} s; see ${log_file}"
    sleep 0.2
    waited=$((waited + 1))
  done
  say "ready on 127.0.0.1:${port} after $((waited / 5)) s"
}

stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    say "not running"
    rm -f "${pid_file}"
    return 0
  fi
  say "stopping (pid ${pid})"
  kill -TERM "${pid}"
  for _ in $(seq 1 150); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "${pid}" 2>/dev/null; then
    say "still running after 30 s; killing"
    kill -KILL "${pid}" || true
  fi
  rm -f "${pid_file}"
  say "stopped"
}

status() {
  if is_ready; then
    say "running (Kafka ${version}, pid $(broker_pid)) on 127.0.0.1:${port}"
  else
    say "not running"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  fetch) mkdir -p "${home}" && fetch && say "Kafka ${version} jars in ${lib}" ;;
  logs) tail -n 100 "${log_file}" ;;
  reset) stop && rm -rf "${data}" "${log_file}" && say "data deleted" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
