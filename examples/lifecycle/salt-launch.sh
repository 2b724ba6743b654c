#!/bin/sh
# muster lifecycle launch hook for a SaltStack fleet: accept the new minion's key, then run its
# highstate. The minion id must be the instance id (user-data writes `id: <instance-id>` to
# /etc/salt/minion.d/id.conf before salt-minion starts).
#
# Safe to run twice for one instance (muster reruns a hook whose controller died mid-run):
# accepting an accepted key and applying the highstate again change nothing.
#
# Only keys of instances Auto Scaling announced reach this script: never auto-accept other keys.
set -eu
: "${MUSTER_INSTANCE_ID:?muster sets MUSTER_INSTANCE_ID}"
id="$MUSTER_INSTANCE_ID"
wait_for_key="${SALT_KEY_WAIT:-300}"   # seconds for the minion to submit its key

# The minion may still be booting: wait until its key is pending (or already accepted).
waited=0
until salt-key -l unaccepted | grep -qx "$id" || salt-key -l accepted | grep -qx "$id"; do
  if [ "$waited" -ge "$wait_for_key" ]; then
    echo "no key from minion $id after ${wait_for_key}s" >&2
    exit 1   # muster answers ABANDON (lifecycle.controller.launch-failure-result)
  fi
  sleep 5
  waited=$((waited + 5))
done

salt-key -y -a "$id"
salt "$id" state.highstate --state-output=terse --retcode-passthrough
