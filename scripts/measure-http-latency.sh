#!/usr/bin/env bash
# Measures the agent's HTTP endpoint: the latency of GET /readyz, /status and /metrics over one
# kept-alive loopback connection, with TCP_NODELAY as the agent sets it and, for comparison,
# switched off (-Dsun.net.httpserver.nodelay=false: each small response then waits for the
# client's delayed ACK). A one-node agent (static discovery, file store, exec scripts) in a
# temporary directory, on a free loopback port; nothing else is touched.
#
# Usage: scripts/measure-http-latency.sh [REQUESTS]   (needs packaging/target/muster.jar, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
jar="$PWD/packaging/target/muster.jar"
n="${1:-300}"
[ -f "$jar" ] || { echo "build the jar first: ./mvnw -B -o -DskipTests package" >&2; exit 2; }

run() { # $1: label, $2: extra JVM option or empty
  local d pid addr
  d="$(mktemp -d)"
  printf '#!/bin/sh\nprintf "{}" > "$MUSTER_CREDENTIALS_FILE"; touch %s/m\n' "$d" > "$d/form.sh"
  printf '#!/bin/sh\n[ -f %s/m ] && echo member || echo standalone\n' "$d" > "$d/inspect.sh"
  chmod +x "$d"/*.sh
  env -i PATH="$PATH" HOME="$HOME" AWS_EC2_METADATA_DISABLED=true \
    MUSTER_NODE_IMDS_ENDPOINT=http://127.0.0.1:9 MUSTER_CLUSTER_NAME=bench \
    MUSTER_DISCOVERY_PROVIDER=static MUSTER_DISCOVERY_STATIC_PEERS=n1=10.0.0.1 \
    MUSTER_NODE_ADDRESS=10.0.0.1 MUSTER_NODE_INSTANCE_ID=n1 MUSTER_STORE_PROVIDER=file \
    MUSTER_STORE_FILE_DIR="$d/store" MUSTER_STATE_DIR="$d/state" MUSTER_ELECTION_STABLE_FOR=0s \
    MUSTER_ADAPTER_EXEC_FORM="$d/form.sh" MUSTER_ADAPTER_EXEC_JOIN=/bin/true \
    MUSTER_ADAPTER_EXEC_INSPECT="$d/inspect.sh" MUSTER_AGENT_HTTP_ADDRESS=127.0.0.1:0 \
    java ${2:+"$2"} -jar "$jar" agent 2> "$d/agent.err" &
  pid=$!
  for _ in $(seq 100); do
    addr="$(grep -o 'http://127.0.0.1:[0-9]*' "$d/agent.err" | head -1 || true)"
    [ -n "$addr" ] && break
    sleep 0.1
  done
  [ -n "$addr" ] || { cat "$d/agent.err" >&2; kill "$pid"; exit 1; }
  python3 - "$addr" "$n" "$1" <<'PY'
import http.client, statistics, sys, time, urllib.parse
addr, n, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
u = urllib.parse.urlparse(addr)
c = http.client.HTTPConnection(u.hostname, u.port)
for path in ("/readyz", "/status", "/metrics"):
    ms = []
    for i in range(n + 20):
        t = time.perf_counter()
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        if i >= 20:  # warm-up excluded
            ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    print(f"| {label} | {path} | {n} | {statistics.median(ms):.2f} | {ms[int(len(ms) * 0.99) - 1]:.2f} |")
PY
  kill -TERM "$pid"
  wait "$pid" || true
  rm -rf "$d"
}

echo "| TCP_NODELAY | path | requests | median ms | p99 ms |"
echo "| --- | --- | --- | --- | --- |"
run "on (agent default)" ""
run "off (-Dsun.net.httpserver.nodelay=false)" "-Dsun.net.httpserver.nodelay=false"
echo
echo "uptime: $(uptime)"
