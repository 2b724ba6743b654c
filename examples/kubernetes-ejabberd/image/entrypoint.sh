#!/bin/sh
# Starts ejabberd in the background, then runs muster agent in the foreground as the container's
# main process: muster joins (or forms) the cluster, serves /readyz and /livez to the kubelet, and
# on SIGTERM (pod deleted or scaled away) leaves the cluster (agent.leave-on-shutdown) before the
# container stops. ejabberd's cookie arrives from the store, never from the pod spec.
set -eu
chown -R ejabberd:ejabberd /var/lib/ejabberd
/usr/local/bin/restart-ejabberd
exec muster agent -c /etc/muster/muster.yaml
