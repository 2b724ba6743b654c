#!/usr/bin/env bash
# Measures a class loader dropped after each AWS call (issue 17, docs/performance.md "The AWS
# figures taken apart"): scripts/dropped-loader/DroppedLoaderExperiment.java runs
# `muster peers --discovery ec2-tags` in a fresh loader over the packaged jar ROUNDS times, INTERVAL
# seconds apart, with the daemons' JVM options, against a loopback fake EC2 of test-support.
#
# Usage: scripts/measure-dropped-loader.sh [ROUNDS] [INTERVAL_S]
#   needs packaging/target/deb-root (./mvnw -B -o -q package -pl packaging -am -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
jar="$PWD/packaging/target/deb-root/usr/share/muster/muster.jar"
[ -f "$jar" ] || { echo "build the package tree first (see the usage)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./mvnw -B -o -q dependency:build-classpath -pl test-support -Dmdep.outputFile="$work/cp" >/dev/null
cp="$PWD/test-support/target/classes:$(cat "$work/cp")"
javac -cp "$cp" -d "$work" scripts/dropped-loader/DroppedLoaderExperiment.java
uptime
# Credentials for the SDK as system properties: muster's own environment map does not reach it.
AWS_EC2_METADATA_DISABLED=true java -cp "$cp:$work" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -Xss512k -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote -Xms8m -Xmx64m -Xmn1m \
  -XX:CompileThresholdScaling=3 -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10 \
  -XX:TrimNativeHeapInterval=5000 -Daws.accessKeyId=AKIDEXPERIMENT -Daws.secretAccessKey=x \
  -Xlog:class+unload=info:file="$work/unload.log" \
  DroppedLoaderExperiment "$jar" "${1:-8}" "${2:-20}"
echo "classes unloaded: $(grep -c . "$work/unload.log" || true)"
uptime
