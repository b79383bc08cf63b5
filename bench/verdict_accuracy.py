#!/usr/bin/python3
"""Leak-verdict accuracy: profiles/leak-hunt.yaml, as shipped, against echo servers on real WebSocket libraries,
healthy and with leaks of known size, scored against what each server was given.

The servers are tests/integration/servers/ (npm ws, python3-websockets, gorilla/websocket, Boost.Beast), started
through tests/integration/support/real_servers.py; each run gets a fresh server with the case's flags, and the
runtime's own gauges are scraped from its /metrics and judged beside /proc (node-ws: heap used and active timers;
python-websockets: asyncio tasks; go-gorilla: heap in use and goroutines; boost-beast: malloc in use). The
server's SIGTERM account says what it really kept.

Cases, per runtime (the leak bugs hit connections that ended without a Close frame: rst, fin, mid_message, and
stalled peers):
  healthy        no flags (heartbeat every 5 s), --repeats times
  memory N       --leak-bytes N, for N = 4096 and 1024; then 512 and 256 while caught, or 2048 if 1024 was not
  fds + dead     --leak-fd --no-heartbeat: an fd kept per abrupt close (`fds`), silent peers never reaped
                 (`reap.stall`)
  tasks          --leak-task: a 1 s ticker left running (Node timers, asyncio tasks, goroutines); Beast's
                 steady_timer has no gauge, so there it is judged by memory (rss, malloc_inuse_bytes) or not at all

Scoring: a healthy run is PASS, INCONCLUSIVE (nothing LEAK, something undecided) or a false LEAK (the overall
verdict, any resource or any pattern share LEAK). An injected leak is "caught" when a resource it shows in is
LEAK (memory: rss or the heap gauge; fds: fds; tasks: the task gauge; dead peers: reap.stall; the server's own
process_resident_memory_bytes and process_open_fds count as rss and fds); caught and
"attributed" when, on each of those resources that is LEAK, every abrupt pattern's share (rst, fin,
mid_message) is LEAK or INCONCLUSIVE, at least one is LEAK, and clean is not LEAK; "wrong pattern" when clean
is LEAK; "unattributed" when caught otherwise (an abrupt share PASS or left out, or none LEAK; reap.stall
needs no attribution); "missed" when none of
its resources is LEAK. The server's account must agree: the healthy server kept nothing, the buggy one kept
what its bug keeps (leaked_bytes = N x its abrupt closes, ...).

Each run takes about 3.6 minutes; the default plan is 10 or 11 runs per runtime (~40 min), ~2.7 h for all four.
The figures are the result: the script exits 0 when every run produced a report, 2 if not, 130 if interrupted
(the figures of the finished runs are printed). It runs a copy of the binary, so a rebuild of the tree meanwhile
changes nothing; the header prints its sha256.

    /usr/bin/python3 bench/verdict_accuracy.py [--runtimes node-ws,python-websockets,go-gorilla,boost-beast]
        [--repeats 5] [--cases healthy,memory,fds,tasks] [--quick] [--keep DIR] [--bin build/wsloadgen]
        [--timeout 900]

--quick: one healthy run and the 4096-byte case, of the first runtime listed, to check the script (~8 min).
--cases: only these kinds of case (memory includes the search for the smallest leak caught).
--keep DIR: keep each run's report directory (plus wsloadgen's output and the server's account) under DIR,
and every scored run in DIR/verdict_accuracy.json.
"""
import argparse
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(BENCH_DIR)
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "integration", "support"))
from real_servers import RUNTIMES, MissingServer, RealServer, server_command  # noqa: E402

PROFILE = os.path.join(SOURCE_DIR, "profiles", "leak-hunt.yaml")
DEFAULT_BIN = os.environ.get("WSLOADGEN_BIN", os.path.join(SOURCE_DIR, "build", "wsloadgen"))

# The runtime's own gauges, scraped from its /metrics: heap bytes are judged as memory, the rest as counts.
SERIES = {
    "node-ws": ["nodejs_heap_size_used_bytes", "nodejs_active_timers"],
    "python-websockets": ["python_asyncio_tasks"],
    "go-gorilla": ["go_memstats_heap_inuse_bytes", "go_goroutines"],
    "boost-beast": ["malloc_inuse_bytes"],
}
HEAP_SERIES = {"node-ws": "nodejs_heap_size_used_bytes", "go-gorilla": "go_memstats_heap_inuse_bytes",
               "boost-beast": "malloc_inuse_bytes"}
TASK_SERIES = {"node-ws": "nodejs_active_timers", "python-websockets": "python_asyncio_tasks",
               "go-gorilla": "go_goroutines"}

# The server's own process_* gauges are scraped beside /proc's figures and judged too: the same resource twice.
RSS = ["rss", "scrape:process_resident_memory_bytes"]
FDS = ["fds", "scrape:process_open_fds"]
TWINS = {"scrape:process_resident_memory_bytes": "rss", "scrape:process_open_fds": "fds"}

ABRUPT = ("rst", "fin", "mid_message")          # the attributed patterns the bugs hit
ENDED_WITHOUT_CLOSE = ABRUPT + ("stall",)       # a stalled peer ends by a heartbeat drop or by our reset
FIRST_SIZES = (4096, 1024)
SMALLER_SIZES = (512, 256)                      # after 1024, while caught
LARGER_SIZE = 2048                              # if 1024 was missed
# What --leak-fd keeps over one leak-hunt run: an fd per abrupt close. leak-hunt has 24 abrupt blocks (4 cycles x
# rst, fin, mid_message x 2 blocks), each of 100 + 500/s x 3 s closes, and 80 stalled peers: 38480 fds. The server
# must be able to hold them all, so the script asks for this limit (a hard limit above the current one needs
# CAP_SYS_RESOURCE); where it cannot get it, the fds case runs shorter churn phases so that what is kept fits.
FD_LIMIT_WANTED = 1 << 20
ABRUPT_BLOCKS_PER_RUN = 24
STALLED_PEERS_PER_RUN = 80
FD_HEADROOM = 1500  # the server's own fds, the connections open at once, a margin
SHIPPED_CHURN_SECONDS = 3


def fds_kept_per_run(churn_seconds):
    return ABRUPT_BLOCKS_PER_RUN * (100 + 500 * churn_seconds) + STALLED_PEERS_PER_RUN


FDS_KEPT_PER_RUN = fds_kept_per_run(SHIPPED_CHURN_SECONDS)
fd_limit = None  # the server's, as set by raise_fd_limit()

ACCOUNT_FIELDS = ("leaked_bytes", "leaked_fds", "leaked_tasks")
OUTCOMES_HEALTHY = ("PASS", "INCONCLUSIVE", "false LEAK")
OUTCOMES_LEAK = ("attributed", "wrong pattern", "unattributed", "missed")


def note(text=""):
    print(text, flush=True)


# ------------------------------------------------------------------ cases

class Bug:
    """One injected leak: the resources it shows in, and what the server's account should say about it."""

    def __init__(self, kind, resources, account_field=None, per_abrupt=0, remark=""):
        self.kind = kind                    # "memory 4096 B", "fds", "dead peers", "tasks"
        self.resources = resources          # resource names in report.json
        self.account_field = account_field  # leaked_bytes / leaked_fds / leaked_tasks, or None
        self.per_abrupt = per_abrupt        # what the bug keeps per abrupt close, in that field's unit
        self.remark = remark


class Case:
    def __init__(self, name, flags, bugs=(), size=None, overrides=()):
        self.name = name
        self.flags = list(flags)          # the server's
        self.bugs = list(bugs)
        self.size = size                  # memory cases: bytes per abrupt close
        self.overrides = list(overrides)  # the generator's --set KEY=VALUE, on top of the shipped profile

    @property
    def healthy(self):
        return not self.bugs


def healthy_case():
    return Case("healthy", [])


def memory_case(runtime, size):
    resources = RSS + (["scrape:" + HEAP_SERIES[runtime]] if runtime in HEAP_SERIES else [])
    return Case(f"memory {size} B", ["--leak-bytes", str(size)],
                [Bug(f"memory {size} B", resources, "leaked_bytes", size)], size=size)


def churn_seconds_for_fds(limit):
    """The shipped churn phase's length if what --leak-fd keeps fits the server's fd limit, else the longest
    shorter one that fits (1 s keeps 14480 fds; the blocks stay hundreds of closes, far beyond fd_delta_max)."""
    for seconds in (SHIPPED_CHURN_SECONDS, 2, 1, 0.5):
        if limit is None or fds_kept_per_run(seconds) + FD_HEADROOM <= limit:
            return seconds
    return None


def fd_case():
    seconds = churn_seconds_for_fds(fd_limit)
    name, overrides = "fds + no heartbeat", []
    if seconds is not None and seconds != SHIPPED_CHURN_SECONDS:
        name += f" ({seconds:g} s churn)"
        overrides = [f"phases[1].duration={seconds:g}s"]
    return Case(name, ["--leak-fd", "--no-heartbeat"],
                [Bug("fds", FDS, "leaked_fds", 1), Bug("dead peers", ["reap.stall"])], overrides=overrides)


def task_case(runtime):
    if runtime in TASK_SERIES:
        bug = Bug("tasks", ["scrape:" + TASK_SERIES[runtime]], "leaked_tasks", 1)
    else:
        bug = Bug("tasks", RSS + (["scrape:" + HEAP_SERIES[runtime]] if runtime in HEAP_SERIES else []),
                  "leaked_tasks", 1, remark="no task gauge: judged by the memory the timers keep")
    return Case("tasks", ["--leak-task"], [bug])


CASE_KINDS = ("healthy", "memory", "fds", "tasks")


def first_plan(runtime, repeats, kinds=CASE_KINDS):
    """The healthy repeats interleaved with the leak cases, so both see the same stretches of machine load."""
    leaking = (([memory_case(runtime, s) for s in FIRST_SIZES] if "memory" in kinds else [])
               + ([fd_case()] if "fds" in kinds else []) + ([task_case(runtime)] if "tasks" in kinds else []))
    if "healthy" not in kinds:
        repeats = 0
    plan = []
    for i in range(max(repeats, len(leaking))):
        if i < repeats:
            plan.append(healthy_case())
        if i < len(leaking):
            plan.append(leaking[i])
    return plan


# ------------------------------------------------------------------ one run

def raise_fd_limit():
    """Children inherit it: the fd-leaking servers keep one fd per abrupt close, 38480 in a leak-hunt run."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        with open("/proc/sys/fs/nr_open") as f:
            ceiling = min(FD_LIMIT_WANTED, int(f.read()))
    except OSError:
        ceiling = FD_LIMIT_WANTED
    for wanted in ((max(hard, ceiling),) * 2, (hard, hard)):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, wanted)
            break
        except (ValueError, OSError):
            continue
    global fd_limit
    fd_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return fd_limit


def stop_generator(proc):
    """SIGINT (it writes its reports as interrupted), then SIGKILL if it does not exit."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_one(binary, profile, runtime, case, run_dir, timeout):
    """Starts the server, runs the profile against it, stops it. A dict of what happened (report may be None)."""
    os.makedirs(run_dir, exist_ok=True)
    out_dir = os.path.join(run_dir, "report")
    result = {"runtime": runtime, "case": case.name, "flags": case.flags, "exit": None, "seconds": None,
              "report": None, "account": None, "error": None}
    started = time.monotonic()
    try:
        server_cm = RealServer(runtime, *case.flags)
    except Exception as e:  # noqa: BLE001 - a server that does not start is this run's result
        result["error"] = f"server did not start: {e}"
        return result
    with server_cm as server:
        args = [binary, "run", profile, "--target", server.url, "--progress", "off", "--metrics-listen", "off",
                "--out", out_dir, "--set", f"monitor.scrape={server.metrics_url}",
                "--set", f"monitor.series=[{', '.join(SERIES[runtime])}]"]
        for override in case.overrides:
            args += ["--set", override]
        with open(os.path.join(run_dir, "wsloadgen.stdout.txt"), "w") as out, \
                open(os.path.join(run_dir, "wsloadgen.stderr.txt"), "w") as err:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                result["error"] = f"wsloadgen still running after {timeout:.0f} s: interrupted"
            finally:
                stop_generator(proc)
        result["exit"] = proc.returncode
        result["seconds"] = time.monotonic() - started
        if not server.alive():
            result["error"] = (result["error"] or "") + f" server exited {server.proc.returncode} during the run"
        else:
            try:
                result["account"] = server.stop()
            except Exception as e:  # noqa: BLE001
                result["error"] = (result["error"] or "") + f" server stop: {e}"
        with open(os.path.join(run_dir, "server.stderr.txt"), "w") as f:
            f.write(server.stderr())
    if result["account"] is not None:
        with open(os.path.join(run_dir, "server-account.json"), "w") as f:
            json.dump(result["account"], f)
    try:
        with open(os.path.join(out_dir, "report.json")) as f:
            result["report"] = json.load(f)
    except (OSError, ValueError) as e:
        result["error"] = (result["error"] or "") + f" no report.json ({e})"
    if result["error"]:
        result["error"] = result["error"].strip()
        try:
            with open(os.path.join(run_dir, "wsloadgen.stderr.txt")) as f:
                result["stderr_tail"] = f.read()[-1500:]
        except OSError:
            pass
    return result


# ------------------------------------------------------------------ scoring

def resources_of(report):
    return {r["resource"]: r for r in report["leak_verdict"]["resources"]}


def shares_of(resource_verdict):
    return {s["pattern"]: s for s in resource_verdict.get("by_pattern") or []}


def score_healthy(report):
    """("PASS" | "INCONCLUSIVE" | "false LEAK", [what leaked], [what was undecided])."""
    verdict = report["leak_verdict"]
    leaks, undecided = [], []
    for r in verdict["resources"]:
        if r["verdict"] == "LEAK":
            leaks.append(r["resource"])
        elif r["verdict"] == "INCONCLUSIVE":
            undecided.append(r["resource"])
        for s in r.get("by_pattern") or []:
            if s["reason"].startswith("not judged"):  # a held pattern's memory share: reported, never judged
                continue
            if s["verdict"] == "LEAK":
                leaks.append(f"{r['resource']}/{s['pattern']}")
            elif s["verdict"] == "INCONCLUSIVE":
                undecided.append(f"{r['resource']}/{s['pattern']}")
    if leaks or verdict["overall"] == "LEAK":
        return "false LEAK", leaks, undecided
    if undecided or verdict["overall"] != "PASS":  # INCONCLUSIVE, or "not monitored"
        return "INCONCLUSIVE", leaks, undecided + ([] if undecided else [f"overall {verdict['overall']}"])
    return "PASS", leaks, undecided


def attributed_right(resource_verdict):
    """Every abrupt share LEAK or INCONCLUSIVE (a share the verdict left out is neither), one LEAK, clean not."""
    shares = shares_of(resource_verdict)
    abrupt = [shares[p]["verdict"] if p in shares else None for p in ABRUPT]
    return (all(v in ("LEAK", "INCONCLUSIVE") for v in abrupt) and "LEAK" in abrupt
            and shares.get("clean", {}).get("verdict") != "LEAK")


def score_bug(report, bug):
    """("attributed" | "wrong pattern" | "unattributed" | "missed", detail)."""
    resources = resources_of(report)
    present = [resources[name] for name in bug.resources if name in resources]
    absent = [name for name in bug.resources if name not in resources]
    caught = [r for r in present if r["verdict"] == "LEAK"]
    if not caught:
        return "missed", ("not in the report: " + ", ".join(absent)) if absent else ""
    if all(r["resource"].startswith("reap.") for r in caught):
        return "attributed", "dead peers are the stall pattern's by nature"
    blamed_clean = [r["resource"] for r in present if shares_of(r).get("clean", {}).get("verdict") == "LEAK"]
    if blamed_clean:
        return "wrong pattern", "clean LEAK on " + ", ".join(blamed_clean)
    wrong = [r for r in caught if not attributed_right(r)]
    if wrong:
        return "unattributed", "; ".join(f"{r['resource']} shares " + ", ".join(
            f"{p} {shares_of(r)[p]['verdict'] if p in shares_of(r) else 'absent'}" for p in ABRUPT) for r in wrong)
    return "attributed", ""


def abrupt_closes_in_report(report):
    return sum(b["connections_closed"] for b in report["leak_verdict"].get("blocks") or []
               if b["pattern"] in ENDED_WITHOUT_CLOSE)


def bug_unit(case, field):
    return next(bug.per_abrupt for bug in case.bugs if bug.account_field == field)


def check_account(case, account, report):
    """(agrees, text): the server's own account of what it kept, against what the case injected."""
    if account is None:
        return False, "no account from the server"
    problems, said = [], []
    abrupt = account.get("closed_abrupt", 0)
    said.append(f"{account.get('connections')} connections, {abrupt} ended abruptly"
                + (f" (report: {abrupt_closes_in_report(report):.0f})" if report else "")
                + f", {account.get('dropped_by_heartbeat')} dropped by heartbeat")
    expected = {field: 0 for field in ACCOUNT_FIELDS}
    for bug in case.bugs:
        if bug.account_field:
            expected[bug.account_field] = bug.per_abrupt * abrupt
    for field in ACCOUNT_FIELDS:
        kept = account.get(field)
        if expected[field]:
            exact = (f" (= {bug_unit(case, field)} x {abrupt} abrupt)" if kept == expected[field]
                     else f", expected {expected[field]} = {bug_unit(case, field)} x {abrupt} abrupt")
            said.append(f"{field} {kept}{exact}")
            if not kept:
                problems.append(f"{field} is {kept}: the bug did not happen")
        elif kept:
            problems.append(f"{field} {kept} (nothing injected)")
    if "--leak-fd" in case.flags and fd_limit and (account.get("leaked_fds") or 0) + 100 >= fd_limit:
        problems.append(f"the server reached its fd limit ({fd_limit}): later connections may have failed")
    if account.get("open"):
        problems.append(f"{account['open']} connections still open")
    if "--no-heartbeat" in case.flags:
        if account.get("dropped_by_heartbeat"):
            problems.append("dropped peers by heartbeat with --no-heartbeat")
    elif not account.get("dropped_by_heartbeat"):
        problems.append("no stalled peer was dropped by the heartbeat")
    text = "; ".join(said)
    return not problems, text + ("; DISAGREES: " + "; ".join(problems) if problems else "; agrees")


def verdict_line(r):
    return f"{r['verdict']} {r['resource']}: {r['reason']}"


def lines_that_matter(case, report):
    """The summary's verdict lines for the bug's resources, and for every resource that did not pass."""
    wanted = {name for bug in case.bugs for name in bug.resources}
    if case.healthy:  # its memory figures: how far below the limit a healthy server stays
        wanted = {r["resource"] for r in report["leak_verdict"]["resources"]
                  if r["resource"] == "rss" or r["resource"].endswith("_bytes")}
    resources = resources_of(report)
    lines = []
    for r in report["leak_verdict"]["resources"]:
        twin = resources.get(TWINS.get(r["resource"]))
        if twin is not None and twin["verdict"] == r["verdict"]:
            continue  # the server's own figure for a resource /proc gave: printed only if it disagrees
        undecided_share = any(s["verdict"] != "PASS" for s in r.get("by_pattern") or []
                              if not s["reason"].startswith("not judged"))
        if r["resource"] in wanted or r["verdict"] != "PASS" or undecided_share:
            lines.append(verdict_line(r))
    for c in report.get("checks") or []:
        if not c["passed"]:
            lines.append(f"FAIL check {c['name']}: {c['detail']}")
    return lines


def score(case, result):
    """Adds the scores to `result`: outcome(s), the lines to print, the account's agreement."""
    report = result["report"]
    if report is None:
        result["outcomes"] = [("error", result["error"])] * max(1, len(case.bugs))
        return
    result["overall"] = report["leak_verdict"]["overall"]
    result["lines"] = lines_that_matter(case, report)
    result["account_agrees"], result["account_text"] = check_account(case, result["account"], report)
    if case.healthy:
        outcome, leaks, undecided = score_healthy(report)
        detail = ", ".join((["LEAK " + x for x in leaks] + ["undecided " + x for x in undecided])[:8])
        result["outcomes"] = [(outcome, detail)]
    else:
        result["outcomes"] = [score_bug(report, bug) for bug in case.bugs]
        judged = {name for bug in case.bugs for name in bug.resources}
        result["also_leak"] = [r["resource"] for r in report["leak_verdict"]["resources"]
                               if r["verdict"] == "LEAK" and r["resource"] not in judged]
    if result["error"]:
        result["outcomes"] = [("error", result["error"])] * len(result["outcomes"])


def caught(result, bug_index=0):
    return bool(result.get("outcomes")) and result["outcomes"][bug_index][0] in ("attributed", "wrong pattern",
                                                                                  "unattributed")


# ------------------------------------------------------------------ printing

def clock(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def print_run(n, started, runtime, case, result):
    took = "-" if result["seconds"] is None else f"{result['seconds']:.0f} s"
    overall = result.get("overall", "-")
    head = (f"[{n:3d} +{clock(time.monotonic() - started)}] {runtime:17s} {case.name:20s} exit {result['exit']}  "
            f"{took:>6s}  leak verdict {overall}")
    if case.healthy:
        outcome, detail = result["outcomes"][0]
        head += f"  -> {outcome}" + (f" ({detail})" if detail and outcome != "PASS" else "")
    else:
        head += "  -> " + "; ".join(f"{bug.kind}: {'caught, ' if o in OUTCOMES_LEAK[:3] else ''}{o}"
                                    for bug, (o, _) in zip(case.bugs, result["outcomes"]))
    note(head)
    for line in result.get("lines", []):
        note("      " + line)
    for bug, (outcome, detail) in zip(case.bugs, result["outcomes"]):
        if outcome != "error" and (detail or bug.remark):
            note(f"      {bug.kind}: {outcome}" + (f" - {detail}" if detail else "")
                 + (f" ({bug.remark})" if bug.remark else ""))
    if result.get("also_leak"):
        note("      also LEAK (not the injected bug's resources): " + ", ".join(result["also_leak"]))
    if "account_text" in result:
        note("      server: " + result["account_text"])
    if result["error"]:
        note("      ERROR: " + result["error"])
        if result.get("stderr_tail"):
            note("      wsloadgen stderr (tail): " + result["stderr_tail"].strip().replace("\n", "\n        "))


def print_matrix(results, runtimes):
    note()
    note("Confusion matrix (each run scored against what its server was given; the fds + no-heartbeat run counts")
    note("as two injected leaks: fds and dead peers)")
    header = (f"{'':17s} | {'healthy runs':^33s} | {'injected leaks':^56s}\n"
              f"{'runtime':17s} | {'PASS':>6s} {'INCONCL':>8s} {'false LEAK':>10s} {'error':>5s} | "
              f"{'caught+attributed':>17s} {'wrong pattern':>13s} {'unattributed':>12s} {'missed':>6s} "
              f"{'error':>5s}")
    note(header)
    total_h = {k: 0 for k in OUTCOMES_HEALTHY + ("error",)}
    total_l = {k: 0 for k in OUTCOMES_LEAK + ("error",)}
    for runtime in runtimes + ["total"]:
        if runtime == "total":
            h, l = total_h, total_l
        else:
            h = {k: 0 for k in total_h}
            l = {k: 0 for k in total_l}
            for case, r in results:
                if r["runtime"] != runtime:
                    continue
                for outcome, _ in r["outcomes"]:
                    (h if case.healthy else l)[outcome] += 1
            for k in h:
                total_h[k] += h[k]
            for k in l:
                total_l[k] += l[k]
        note(f"{runtime:17s} | {h['PASS']:6d} {h['INCONCLUSIVE']:8d} {h['false LEAK']:10d} {h['error']:5d} | "
             f"{l['attributed']:17d} {l['wrong pattern']:13d} {l['unattributed']:12d} {l['missed']:6d} "
             f"{l['error']:5d}")
    note()
    note("Injected leaks, run by run:")
    for runtime in runtimes:
        entries = []
        for case, r in results:
            if r["runtime"] == runtime and not case.healthy:
                entries += [f"{bug.kind}: {o}" for bug, (o, _) in zip(case.bugs, r["outcomes"])]
        if entries:
            note(f"  {runtime:17s} " + "; ".join(entries))
    disagreements = [(case, r) for case, r in results if r.get("account_agrees") is False]
    note(f"Server accounts that disagree with the case: {len(disagreements)}"
         + "".join(f"\n  {r['runtime']} {case.name}: {r['account_text']}" for case, r in disagreements))


def smallest_caught(results, runtime):
    sizes = {}
    for case, r in results:
        if r["runtime"] == runtime and case.size is not None and r.get("outcomes"):
            if r["outcomes"][0][0] != "error":
                sizes[case.size] = caught(r)
    if not sizes:
        return "no memory run completed"
    caught_sizes = sorted(s for s, c in sizes.items() if c)
    missed = sorted((s for s, c in sizes.items() if not c), reverse=True)
    text = f"{caught_sizes[0]} B per abrupt connection" if caught_sizes else f"none of {sorted(sizes)} B caught"
    if missed:
        text += " (missed: " + ", ".join(f"{s} B" for s in missed) + ")"
    if caught_sizes and any(s > caught_sizes[0] for s in missed):
        text += " - not monotonic: a larger leak was missed"
    return text


# ------------------------------------------------------------------ main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runtimes", default=",".join(RUNTIMES), help="comma list (default: all four)")
    parser.add_argument("--repeats", type=int, default=5, help="healthy runs per runtime (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="one healthy run and the 4096-byte case of the first runtime, to check the script")
    parser.add_argument("--keep", metavar="DIR", help="keep every run's report directory under DIR")
    parser.add_argument("--bin", default=DEFAULT_BIN, help="the wsloadgen binary (default build/wsloadgen)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds one run may take (default 900)")
    parser.add_argument("--cases", default=",".join(CASE_KINDS),
                        help="comma list of the cases to run (default: all of " + ", ".join(CASE_KINDS) + ")")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.cases.split(",") if k.strip()]
    if not kinds or any(k not in CASE_KINDS for k in kinds):
        parser.error(f"--cases {args.cases!r}: choose from {', '.join(CASE_KINDS)}")

    runtimes = [r.strip() for r in args.runtimes.split(",") if r.strip()]
    unknown = [r for r in runtimes if r not in RUNTIMES]
    if unknown or not runtimes:
        parser.error(f"unknown runtime(s) {unknown}; choose from {', '.join(RUNTIMES)}")
    if args.quick:
        runtimes = runtimes[:1]
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"no wsloadgen binary at {args.bin} (cmake --build build -j2, or --bin PATH)")
    for runtime in runtimes:
        try:
            server_command(runtime)
        except MissingServer as e:
            sys.exit(f"cannot run {runtime}: {e}")

    raise_fd_limit()
    keep = os.path.abspath(args.keep) if args.keep else None
    scratch = tempfile.mkdtemp(prefix="wsloadgen-verdict-accuracy-")
    if keep:
        os.makedirs(keep, exist_ok=True)
    base = keep or scratch
    # A copy of the binary: a rebuild of the tree while this runs for hours must not change what is measured.
    binary = os.path.join(scratch, "wsloadgen")
    shutil.copy2(args.bin, binary)
    with open(binary, "rb") as f:
        build_id = hashlib.sha256(f.read()).hexdigest()[:12]

    plans = {rt: ([healthy_case(), memory_case(rt, 4096)] if args.quick else first_plan(rt, args.repeats, kinds))
             for rt in runtimes}
    planned = sum(len(p) for p in plans.values())
    note(f"profiles/leak-hunt.yaml as shipped, {args.bin} (sha256 {build_id}, copied), "
         f"runtimes {', '.join(runtimes)}; {planned} runs planned"
         + ("" if args.quick else f" + up to {len(runtimes) * 2} for the smallest leak")
         + f", ~3.6 min each; per-run timeout {args.timeout:.0f} s; server fd limit {fd_limit}")
    fd_runs = [c for p in plans.values() for c in p if "--leak-fd" in c.flags]
    if fd_runs and not fd_runs[0].overrides and fd_limit < FDS_KEPT_PER_RUN + FD_HEADROOM:
        note(f"  WARNING: the servers' fd limit {fd_limit} (the hard limit here; raising it needs "
             f"CAP_SYS_RESOURCE) is too low even for the fds case's shortest churn: the server runs out of fds "
             "part-way; run where the hard limit is higher for a clean fds case")
    elif fd_runs and fd_runs[0].overrides:
        note(f"  the servers' fd limit {fd_limit} (the hard limit here; raising it needs CAP_SYS_RESOURCE) is "
             f"below the {FDS_KEPT_PER_RUN} fds --leak-fd keeps in a shipped run: the fds case runs with "
             f"{' '.join('--set ' + o for o in fd_runs[0].overrides)}")

    results = []  # (case, result)
    started = time.monotonic()
    n = 0

    def run(runtime, case):
        nonlocal n
        n += 1
        run_dir = os.path.join(base, f"{n:03d}-{runtime}-{case.name.replace(' ', '-').replace('+', 'and')}")
        result = run_one(binary, PROFILE, runtime, case, run_dir, args.timeout)
        score(case, result)
        results.append((case, result))
        print_run(n, started, runtime, case, result)
        if not keep:
            shutil.rmtree(run_dir, ignore_errors=True)
        return result

    interrupted = False
    try:
        for runtime in runtimes:
            by_size = {}
            for case in plans[runtime]:
                r = run(runtime, case)
                if case.size is not None:
                    by_size[case.size] = r
            if args.quick:
                continue
            # The smallest leak caught: down from 1024 while caught, else up to 2048.
            if 1024 in by_size and by_size[1024]["outcomes"][0][0] != "error":
                if caught(by_size[1024]):
                    for size in SMALLER_SIZES:
                        if not caught(run(runtime, memory_case(runtime, size))):
                            break
                else:
                    run(runtime, memory_case(runtime, LARGER_SIZE))
    except KeyboardInterrupt:
        interrupted = True
        note("\ninterrupted: the figures below are of the runs that finished")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print_matrix(results, runtimes)
    note()
    note("Smallest leak caught (resource LEAK, rss or heap gauge), per runtime:")
    for runtime in runtimes:
        note(f"  {runtime:17s} {smallest_caught(results, runtime)}")
    note(f"\n{len(results)} runs in {clock(time.monotonic() - started)}")
    if keep:
        with open(os.path.join(keep, "verdict_accuracy.json"), "w") as f:
            json.dump([{k: v for k, v in r.items() if k != "report"} for _, r in results], f, indent=1)
        note(f"reports kept in {keep}; every scored run in {os.path.join(keep, 'verdict_accuracy.json')}")
    errors = [r for _, r in results if r["error"] or r["report"] is None]
    if interrupted:
        sys.exit(130)
    if errors:
        note(f"{len(errors)} run(s) did not complete (see ERROR above)")
        sys.exit(2)


if __name__ == "__main__":
    main()
