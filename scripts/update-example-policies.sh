#!/usr/bin/env bash
# Rewrites each example's iam-policy*.json from `muster iam-policy -c` of its configuration
# (ExamplesIamPolicyTest fails until they match). A configuration is any examples/**/*.yaml with a
# top-level `cluster:`; muster.yaml -> iam-policy.json, muster-X.yaml -> iam-policy-X.json, other
# NAME.yaml -> iam-policy-NAME.json; controller.yaml (a fleet controller's) with --for lifecycle.
# Configurations that need no AWS permission get no file.
# CloudFormation templates inline their policy: update them by hand from the file (the test says so).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY' | while IFS= read -r config; do
import os, re
for root, dirs, files in os.walk("examples"):
    dirs[:] = sorted(d for d in dirs if d != "node_modules")
    for f in sorted(files):
        if f.endswith(".yaml"):
            p = os.path.join(root, f)
            text = open(p).read()
            if re.search(r"(?m)^cluster:", text) and "\n---" not in text:
                print(p)
PY
  dir="$(dirname "$config")"
  stem="$(basename "$config" .yaml)"
  case "$stem" in
    muster) policy="$dir/iam-policy.json" ;;
    muster-*) policy="$dir/iam-policy-${stem#muster-}.json" ;;
    *) policy="$dir/iam-policy-$stem.json" ;;
  esac
  # A fleet controller's configuration is the management host's role alone (muster lifecycle).
  scope=""
  [ "$stem" = controller ] && scope="--for lifecycle"
  # No instance metadata: the policy comes from the file alone, as ExamplesIamPolicyTest prints it.
  printed="$(env -u MUSTER_NODE_AUTO_SCALING_GROUP MUSTER_NODE_IMDS_ENDPOINT=http://127.0.0.1:9 \
    AWS_EC2_METADATA_DISABLED=true ./muster iam-policy -c "$config" $scope)"
  if python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["Statement"] else 1)' "$printed"; then
    printf '%s\n' "$printed" > "$policy"
    echo "$policy"
  fi
done
