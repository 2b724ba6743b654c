#!/usr/bin/env bash
# Checks that the .deb and the tarball are reproducible: built from one commit, in a fresh copy of
# the tree at another path, they must be byte-identical to a first build. Everything in them is
# dated from project.build.outputTimestamp (the parent pom), owned by root with fixed modes, sorted,
# and the trained class lists are made deterministic by ClassListTraining (docs/operations.md,
# "Reproducibility").
#
#   scripts/check-reproducible-package.sh            build HEAD twice, in two fresh copies
#   scripts/check-reproducible-package.sh --target   build HEAD once and compare it with what is in
#                                                     packaging/target (CI: after ./mvnw verify of a
#                                                     clean checkout of HEAD)
#
# Offline (-o): run it after a build that resolved the dependencies. On a difference it names the
# files that differ inside the packages and shows the start of each text diff, then exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

build() { # build HEAD in a fresh copy at $1, leave its packages in $1/out
  mkdir -p "$1/src" "$1/out"
  git -C "$repo" archive HEAD | tar -x -C "$1/src"
  (cd "$1/src" && ./mvnw -B -o -q package -DskipTests -pl packaging -am >"$1/build.log" 2>&1) || {
    tail -50 "$1/build.log" >&2
    echo "check-reproducible-package: the build in $1/src failed" >&2
    exit 2
  }
  cp "$1"/src/packaging/target/muster_*_all.deb "$1"/src/packaging/target/muster-*.tar.gz "$1/out/"
}

if [ "${1:-}" = "--target" ]; then
  if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "check-reproducible-package: the tree differs from HEAD; --target compares HEAD's build" >&2
    exit 2
  fi
  mkdir -p "$work/a/out"
  cp packaging/target/muster_*_all.deb packaging/target/muster-*.tar.gz "$work/a/out/"
else
  build "$work/a"
fi
build "$work/b"

status=0
for f in "$work"/a/out/*; do
  name="$(basename "$f")"
  if cmp -s "$f" "$work/b/out/$name"; then
    echo "identical: $name $(sha256sum <"$f" | cut -c1-16)"
    continue
  fi
  status=1
  echo "DIFFERENT: $name"
  for side in a b; do
    mkdir -p "$work/x/$side"
    case "$name" in
      *.deb) dpkg-deb -R "$work/$side/out/$name" "$work/x/$side/$name" ;;
      *.tar.gz) mkdir -p "$work/x/$side/$name" && tar -xzf "$work/$side/out/$name" -C "$work/x/$side/$name" ;;
    esac
  done
  diff -rq "$work/x/a/$name" "$work/x/b/$name" || true
  diff -r "$work/x/a/$name" "$work/x/b/$name" 2>/dev/null | grep -v '^Binary files' | head -40 || true
done
exit "$status"
