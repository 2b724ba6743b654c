#!/bin/sh
# adapter.ejabberd.restart in a container (no systemd): stop ejabberd if it runs, start it, and
# wait until it says started. Stopping goes by the Erlang VM's pid, not `ejabberdctl stop`, which
# cannot reach a node after muster replaced its cookie.
set -eu
pidfile=/run/ejabberd/ejabberd.pid
if [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then
  i=0
  while kill -0 "$(cat "$pidfile")" 2>/dev/null && [ "$i" -lt 60 ]; do
    sleep 1
    i=$((i + 1))
  done
fi
mkdir -p /run/ejabberd && chown ejabberd:ejabberd /run/ejabberd
EJABBERD_PID_PATH="$pidfile" ejabberdctl start
ejabberdctl started
