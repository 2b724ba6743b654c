#!/usr/bin/env python3
"""Per-step times of the end-to-end rounds, from muster's own JSON log lines.

Usage: scripts/e2e-step-times.py packaging/target/ejabberd-e2e-logs
       scripts/e2e-step-times.py packaging/target/swarm-e2e-logs

EjabberdJoinE2EIT keeps every muster process's stderr (log.format=json) under
target/ejabberd-e2e-logs/round-N/muster-nX-join.err, SwarmJoinE2EIT under
target/swarm-e2e-logs/rN-nX-join.err. Each line carries its time, so the steps of a node
are the gaps between the lines that open them (docs/performance.md):

  founder: waiting for a stable view | form | publish + register
  joiner:  waiting for a member | join (adapter and store) | verify + register
  ejabberd joiners split the join: cookie + (re)start until started |
           join_cluster until the target is listed

A round is "running" when some node stopped ejabberd, or switched its running node's cookie
without a restart, to change its cookie (it ran before muster), else "stopped". Times are from a process's first log line (its JVM is up), so the
JVM start-up is not in them; the test's own table has start -> exit per node.

With log.level=debug (the ejabberd test sets it) every ejabberdctl call and the restart
command log how long they took, and so does every erl_call to this node ("erl_call (status,
list_cluster)", "erl_call (set_cookie)"); a second table gives those per command, and the joiners'
start is split into: restart command, until epmd lists the node, until `status` says started.
"""
import re
import json
import pathlib
import statistics
import sys
from datetime import datetime


def lines(path):
    out = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if raw.startswith("{"):
            j = json.loads(raw)
            j["t"] = datetime.fromisoformat(j["time"].replace("Z", "+00:00")).timestamp()
            out.append(j)
    return out


# Debug lines of Ejabberdctl: "`ARGV` exited CODE after MS ms", and of erl_call:
# "`ARGV` (WHAT) exited CODE after MS ms".
COMMAND = re.compile(
    r"^`(?P<argv>[^`]*)`(?: \((?P<what>[^)]*)\))? exited (?P<code>-?\d+) after (?P<ms>\d+) ms$"
)
STATUS_OK = re.compile(r"^`[^`]* status` exited 0 after|^ejabberd node \S+ is started \(")
# A running node switched to the cluster's cookie without a restart (issue 19).
SWITCHING = "switching ejabberd's Erlang cookie without a restart"
SWITCHED = "runs with the cluster's Erlang cookie, not restarted"


def was_running(x):
    """A line that shows ejabberd ran before muster: it was stopped or switched for the cookie."""
    return x["message"].startswith("stopping ejabberd") or x["message"].startswith(SWITCHING)
SUBCOMMANDS = ("status", "list_cluster", "stop", "join_cluster", "leave_cluster", "start")


def command_label(argv, what=None):
    """The ejabberdctl subcommand (with its exit code), "erl_call (WHAT)", or "restart command"."""
    if what:
        return f"erl_call ({what})"
    words = argv.split()
    for w in words:
        if w in SUBCOMMANDS:
            return w
    return "restart command"


def first(ls, pred):
    return next((x["t"] for x in ls if pred(x)), None)


def steps(ls):
    """(role, {step: seconds}) of one node's join, or None if it did not finish."""
    if not ls:
        return None
    t0 = ls[0]["t"]
    form = first(ls, lambda x: x.get("decision") == "form")
    join = first(ls, lambda x: x.get("decision") == "join")
    if form is not None:
        formed = first(
            ls,
            lambda x: x["message"].startswith("formed ejabberd cluster")
            or x["message"].startswith("formed swarm "),
        )
        end = first(ls, lambda x: x.get("event") == "formed")
        if formed is None or end is None:
            return None
        return "founder", {
            "wait for a stable view": form - t0,
            "form (adapter)": formed - form,
            "publish + register": end - formed,
        }
    if join is not None:
        end = first(ls, lambda x: x.get("event") == "joined")
        if end is None:
            return None
        swarm_joined = first(ls, lambda x: x["message"].startswith("joined through "))
        if swarm_joined is not None:
            return "joiner", {
                "wait for a member": join - t0,
                "join (store, swarm join, active)": end - join,
            }
        cmd = first(ls, lambda x: x["message"].startswith("joining through "))
        joined = first(ls, lambda x: " joined through " in x["message"])
        if None in (cmd, joined):
            return None
        stop = first(ls, lambda x: x["message"].startswith("stopping ejabberd"))
        wrote = first(ls, lambda x: x["message"].startswith("wrote the cluster's Erlang cookie"))
        d = {
            "wait for a member": join - t0,
            "cookie + (re)start until started": cmd - join,
            "join_cluster until listed": joined - cmd,
            "verify + register": end - joined,
        }
        if stop is not None and wrote is not None:
            d["  of which: stop with the old cookie"] = wrote - stop
        switching = first(ls, lambda x: x["message"].startswith(SWITCHING))
        switched = first(ls, lambda x: SWITCHED in x["message"])
        if None not in (switching, switched):
            d["  of which: cookie switch, no restart (write, set_cookie, check)"] = (
                switched - switching
            )
        restart = first(
            ls,
            lambda x: x["message"].startswith("restarting ejabberd")
            or x["message"].startswith("ejabberd is not running; starting it"),
        )
        epmd = first(ls, lambda x: x["message"].startswith("epmd ") and "; asking status" in x["message"])
        if None not in (restart, epmd):
            started = first(
                ls, lambda x: x["t"] >= epmd and STATUS_OK.search(x["message"]) is not None
            )
            d["  of which: restart command + until epmd lists the node"] = epmd - restart
            if started is not None:
                d["  of which: epmd lists -> status says started"] = started - epmd
                d["  of which: started -> join_cluster"] = cmd - started
        return "joiner", d
    return None


def main(root):
    root = pathlib.Path(root)
    rounds = {}
    for p in sorted(root.glob("round-*/muster-n*-join.err")):
        rounds.setdefault(p.parent.name, []).append(p)
    for p in sorted(root.glob("r[0-9]*-n*-join.err")):
        rounds.setdefault(p.name.split("-")[0], []).append(p)
    table = {}
    for name, files in sorted(rounds.items()):
        nodes = {p: lines(p) for p in files}
        running = any(was_running(x) for ls in nodes.values() for x in ls)
        mode = "running" if running else "stopped"
        for p, ls in nodes.items():
            s = steps(ls)
            if s is None:
                print(f"{name} {p.name}: did not finish", file=sys.stderr)
                continue
            role, d = s
            for step, secs in d.items():
                table.setdefault((mode, role, step), []).append(secs)
    commands = {}
    for name, files in sorted(rounds.items()):
        for p in files:
            ls = lines(p)
            running = any(was_running(x) for x in ls)
            for x in ls:
                m = COMMAND.match(x["message"])
                if m:
                    label = command_label(m["argv"], m["what"])
                    key = ("running" if running else "stopped", label, m["code"])
                    commands.setdefault(key, []).append(int(m["ms"]) / 1000)
    print("| ejabberd before muster (swarm: stopped) | role | step | n | median (s) | min-max (s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (mode, role, step), v in sorted(table.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        print(
            f"| {mode} | {role} | {step} | {len(v)} | {statistics.median(v):.1f} |"
            f" {min(v):.1f}-{max(v):.1f} |"
        )

    if commands:
        print()
        print("| this node ejabberd before muster | command | exit | n | median (s) | min-max (s) |")
        print("| --- | --- | --- | --- | --- | --- |")
        for (mode, label, code), v in sorted(commands.items()):
            print(
                f"| {mode} | {label} | {code} | {len(v)} | {statistics.median(v):.2f} |"
                f" {min(v):.2f}-{max(v):.2f} |"
            )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
