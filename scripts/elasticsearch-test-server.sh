#!/usr/bin/env bash
# Make sure a local Elasticsearch 8.19.7 test server runs on 127.0.0.1; print its URL.
#
#   scripts/elasticsearch-test-server.sh [start]   start it (or find it running) and print http://127.0.0.1:PORT
#   scripts/elasticsearch-test-server.sh stop      stop the server `start` started and remove its data
#
# PORT is 9200 unless ES_TEST_PORT says otherwise; the heap is 512m unless ES_HEAP says otherwise. The server is the integ-test zip from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.7:zip: the server core without the
# bundled JDK or most modules), fetched with mvn (or curl) and unpacked once under
# ${MARKETPLACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gd-sme-marketplace}/elasticsearch-8.19.7. Each start
# gets a fresh temporary folder (mktemp -d) holding its config, data, logs and pid file; `stop` removes it.
# Elasticsearch refuses to run as root, so as root the server runs as the system user es-test (created
# when missing). Progress goes to stderr, the URL is the only thing on stdout; exits non-zero with a
# message on stderr when any of that is impossible.
set -euo pipefail

ES_VERSION=8.19.7
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
CENTRAL_URL="https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
ES_USER=es-test
PORT=${ES_TEST_PORT:-9200}
URL="http://127.0.0.1:$PORT"
CACHE=${MARKETPLACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gd-sme-marketplace}
ES_HOME="$CACHE/elasticsearch-$ES_VERSION"
PIDFILE="$CACHE/elasticsearch-$PORT.pid"    # pid of the server `start` started on PORT
RUNFILE="$CACHE/elasticsearch-$PORT.run"    # its temporary folder (config, data, logs)
RUN_MARKER=.gd-sme-marketplace-elasticsearch
CLUSTER=gd-sme-marketplace-test
START_TIMEOUT=120

die() { echo "$*" >&2; exit 1; }
say() { echo "$*" >&2; }

case "${1:-start}" in
  start | stop) ACTION=${1:-start} ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
[[ $PORT =~ ^[0-9]+$ ]] || die "ES_TEST_PORT must be a port number, not '$PORT'."
command -v curl >/dev/null || die "curl is needed to talk to Elasticsearch and is not installed."

is_root() { [ "$(id -u)" = 0 ]; }
as_es() { if is_root; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi; }

# An Elasticsearch 8.x answers on URL and its cluster is green or yellow.
es_healthy() {
  local nodes health
  # Not GET /: the integ-test distribution lacks the rest-root module that serves it.
  nodes=$(curl -sf -m 3 "$URL/_nodes/_local?filter_path=nodes.*.version" 2>/dev/null) || return 1
  [[ $nodes == *'"version":"8.'* ]] || return 1
  health=$(curl -sf -m 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=1s&filter_path=status" 2>/dev/null) \
    || return 1
  [[ $health == *'"status":"green"'* || $health == *'"status":"yellow"'* ]]
}
answers() { [ "$(curl -s -m 3 -o /dev/null -w '%{http_code}' "$URL/" 2>/dev/null || true)" != 000 ]; }

# The pid, when it is a live Elasticsearch server process.
es_alive() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'org\.elasticsearch\.'
}
recorded_pid() {
  local pid="" run
  [ -s "$PIDFILE" ] && pid=$(<"$PIDFILE")
  if [ -z "$pid" ] && run=$(recorded_run) && [ -s "$run/elasticsearch.pid" ]; then
    pid=$(<"$run/elasticsearch.pid")
  fi
  echo "$pid"
}
recorded_run() {
  local run=""
  [ -s "$RUNFILE" ] && run=$(<"$RUNFILE")
  [ -n "$run" ] && [ -e "$run/$RUN_MARKER" ] && echo "$run"
}

# Stop the recorded server (if alive), wait for it to exit, remove its folder and the records.
stop_recorded() {
  local pid run
  pid=$(recorded_pid)
  if es_alive "$pid"; then
    say "Stopping Elasticsearch (pid $pid)..."
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do es_alive "$pid" || break; sleep 1; done
    if es_alive "$pid"; then
      say "Elasticsearch (pid $pid) did not stop within 60 s; killing it."
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 10); do es_alive "$pid" || break; sleep 1; done
    fi
    es_alive "$pid" && die "Elasticsearch (pid $pid) would not stop."
  fi
  if run=$(recorded_run); then rm -rf -- "$run"; fi
  rm -f -- "$PIDFILE" "$RUNFILE"
}

mkdir -p "$CACHE" || die "Cannot create the cache folder $CACHE."
# One start/stop at a time per cache folder (the lock is not handed to the server: see 9>&- below).
exec 9>"$CACHE/elasticsearch.lock"
flock -w 300 9 || die "Another start/stop of the Elasticsearch test server holds $CACHE/elasticsearch.lock."

if [ "$ACTION" = stop ]; then
  stop_recorded
  exit 0
fi

# --- start -------------------------------------------------------------------------------------------

if es_healthy; then
  echo "$URL"
  exit 0
fi

pid=$(recorded_pid)
if es_alive "$pid"; then
  # Ours, still starting (or not healthy yet): wait for it below like a fresh start.
  run=$(recorded_run) || die "Elasticsearch (pid $pid) runs but its folder is gone; run '$0 stop' first."
  say "Elasticsearch (pid $pid) is already starting; waiting for it..."
  launcher=""
else
  [ -n "$pid" ] && say "Cleaning up after an Elasticsearch (pid $pid) that no longer runs..."
  stop_recorded
  if answers; then
    die "Something that is not a healthy Elasticsearch 8.x already answers on $URL; set ES_TEST_PORT to another port."
  fi

  # Java: ES_JAVA_HOME, JAVA_HOME, the newest JDK 21+ under /usr/lib/jvm (Lucene and Elasticsearch use
  # SIMD for vectors from Java 21: HNSW indexing ~1.5x faster), Debian's Java 17, or java on PATH (the
  # integ-test zip has no bundled JDK).
  newest_jdk() {
    local best="" best_version=0 dir version
    for dir in /usr/lib/jvm/*/; do
      dir=${dir%/}
      [ -x "$dir/bin/java" ] || continue
      version=$("$dir/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
      if [[ $version =~ ^[0-9]+$ ]] && [ "$version" -ge 21 ] && [ "$version" -gt "$best_version" ]; then
        best=$dir best_version=$version
      fi
    done
    [ -n "$best" ] && printf '%s\n' "$best"
  }
  if [ -n "${ES_JAVA_HOME:-}" ]; then java_home=$ES_JAVA_HOME
  elif [ -n "${JAVA_HOME:-}" ]; then java_home=$JAVA_HOME
  elif java_home=$(newest_jdk); then :
  elif [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]; then java_home=/usr/lib/jvm/java-17-openjdk-amd64
  elif command -v java >/dev/null; then java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  else die "No Java found (set JAVA_HOME, or install Java 17 or newer)."
  fi
  [ -x "$java_home/bin/java" ] || die "No java at $java_home/bin/java (from ES_JAVA_HOME/JAVA_HOME)."

  # Fetch and unpack the server once.
  if [ ! -x "$ES_HOME/bin/elasticsearch" ] || [ ! -f "$ES_HOME/lib/elasticsearch-$ES_VERSION.jar" ]; then
    partial=$(mktemp -d "$CACHE/.elasticsearch-$ES_VERSION.partial.XXXXXX")
    trap 'rm -rf -- "$partial"' EXIT
    zip="$partial/elasticsearch-$ES_VERSION.zip"
    if command -v mvn >/dev/null; then
      say "Fetching $ARTIFACT with Maven..."
      # (Debian's Maven 3.8 prints stray colour codes even in batch mode: strip them.)
      (cd "$partial" && mvn -B -q dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$partial" 2>&1 \
        | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2) || say "Maven could not fetch $ARTIFACT."
    fi
    if [ ! -s "$zip" ]; then
      say "Downloading $CENTRAL_URL..."
      curl -fsSL --retry 3 -o "$zip" "$CENTRAL_URL" || die "Could not download Elasticsearch $ES_VERSION."
    fi
    say "Unpacking Elasticsearch $ES_VERSION into $ES_HOME..."
    if command -v python3 >/dev/null; then
      python3 -m zipfile -e "$zip" "$partial/x" || die "Could not unpack $zip."
    else
      if ! command -v unzip >/dev/null; then
        is_root || die "Neither python3 nor unzip is installed to unpack $zip (and this user cannot install unzip)."
        say "Installing unzip from Debian's packages..."
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq unzip >&2
      fi
      unzip -q "$zip" -d "$partial/x" || die "Could not unpack $zip."
    fi
    # python's zipfile drops the executable bits.
    find "$partial/x/elasticsearch-$ES_VERSION/bin" -type f ! -name '*.bat' ! -name '*.exe' -exec chmod 755 {} +
    rm -rf -- "$ES_HOME"
    mv "$partial/x/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf -- "$partial"
    trap - EXIT
  fi

  if is_root && ! id -u "$ES_USER" >/dev/null 2>&1; then
    say "Creating the system user $ES_USER to run Elasticsearch (it refuses to run as root)..."
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER" \
      || die "Could not create the user $ES_USER."
  fi
  as_es test -x "$java_home/bin/java" || die "The user $ES_USER cannot run $java_home/bin/java."

  # A fresh folder for this run: config (a copy of the distribution's), data, logs, tmp, pid file.
  run=$(mktemp -d "${TMPDIR:-/tmp}/gd-sme-marketplace-es-XXXXXX") \
    || die "Cannot create a temporary folder under ${TMPDIR:-/tmp}."
  touch "$run/$RUN_MARKER"
  mkdir "$run/data" "$run/logs" "$run/tmp"
  cp -R "$ES_HOME/config" "$run/config"
  cat >"$run/config/elasticsearch.yml" <<EOF
# Written by scripts/elasticsearch-test-server.sh for one test run.
cluster.name: $CLUSTER
node.name: es-test
discovery.type: single-node
xpack.security.enabled: false
network.host: 127.0.0.1
http.port: $PORT
path.data: $run/data
path.logs: $run/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  home=$ES_HOME
  if is_root; then
    chown -R "$ES_USER:$ES_USER" "$run"
    as_es test -w "$run/data" || { rm -rf -- "$run"; die "The user $ES_USER cannot write to $run (check TMPDIR)."; }
    if ! as_es test -x "$ES_HOME/bin/elasticsearch" -a -r "$ES_HOME/lib/elasticsearch-$ES_VERSION.jar"; then
      # e.g. the cache is under /root (mode 700): give es-test a linked (or copied) read-only tree.
      say "$ES_USER cannot read $ES_HOME; linking the server into $run/home..."
      home="$run/home"
      cp -al "$ES_HOME" "$home" 2>/dev/null || { rm -rf -- "$home"; cp -a "$ES_HOME" "$home"; }
    fi
  fi
  echo "$run" >"$RUNFILE"
  rm -f -- "$PIDFILE"

  say "Starting Elasticsearch $ES_VERSION on $URL (folder $run)..."
  # Run from the run folder: jvm.options writes gc.log and hs_err files into the working directory.
  (
    cd "$run"
    exec 9>&-
    runner=()
    is_root && runner=(runuser -u "$ES_USER" --)
    exec setsid env -u JAVA_HOME ES_JAVA_HOME="$java_home" ES_PATH_CONF="$run/config" ES_TMPDIR="$run/tmp" \
      ES_JAVA_OPTS="-Xms${ES_HEAP:-512m} -Xmx${ES_HEAP:-512m}" "${runner[@]}" "$home/bin/elasticsearch" -d -p "$run/elasticsearch.pid"
  ) </dev/null >"$run/console.log" 2>&1 &
  launcher=$!
fi

# Wait for a healthy cluster.
server_log() {
  local log="$run/logs/$CLUSTER.log"
  [ -s "$log" ] || log="$run/console.log"   # the launcher's output, when the server wrote no log
  [ -s "$log" ] || return 0
  say "--- last 40 lines of $log ---"
  tail -n 40 "$log" >&2
  # The tail is often all stack trace: repeat the error lines themselves.
  if grep -qE '^\[[^]]*\]\[(ERROR|FATAL)|^ERROR:|^(Caused by: )?[A-Za-z0-9_$.]+(Exception|Error)\b' "$log" "$run/console.log" 2>/dev/null; then
    say "--- errors ---"
    grep -hE '^\[[^]]*\]\[(ERROR|FATAL)|^ERROR:|^(Caused by: )?[A-Za-z0-9_$.]+(Exception|Error)\b' "$log" "$run/console.log" 2>/dev/null \
      | awk '!seen[$0]++' | tail -n 12 | cut -c1-400 >&2
  fi
}
fail_start() {
  say "$1"
  server_log
  [ -n "$launcher" ] && kill "$launcher" 2>/dev/null || true
  stop_recorded >/dev/null 2>&1 || true
  exit 1
}
deadline=$((SECONDS + START_TIMEOUT))
launcher_rc=""
until es_healthy; do
  if [ -z "$launcher_rc" ] && [ -n "$launcher" ] && ! kill -0 "$launcher" 2>/dev/null; then
    launcher_rc=0
    wait "$launcher" || launcher_rc=$?
    [ "$launcher_rc" = 0 ] || fail_start "Elasticsearch failed to start (exit status $launcher_rc)."
  fi
  if [ -s "$run/elasticsearch.pid" ] && [ ! -s "$PIDFILE" ]; then cp "$run/elasticsearch.pid" "$PIDFILE"; fi
  if [ -s "$PIDFILE" ] && ! es_alive "$(<"$PIDFILE")"; then fail_start "Elasticsearch exited while starting."; fi
  [ "$SECONDS" -lt "$deadline" ] || fail_start "Elasticsearch did not become healthy on $URL within $START_TIMEOUT s."
  sleep 1
done
if [ -s "$run/elasticsearch.pid" ] && [ ! -s "$PIDFILE" ]; then cp "$run/elasticsearch.pid" "$PIDFILE"; fi
say "Elasticsearch $ES_VERSION is up on $URL."
echo "$URL"
