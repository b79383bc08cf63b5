"""Fails a test run that skipped a test nobody allowed to be skipped, and says what was skipped and why.

ctest counts a skipped test as passed (exit 0). ./dev test and ./dev asan run ctest with --output-junit and
then this script on that file: every skipped test is listed with its reason; one that is not allowed makes
the script exit 1. A test is allowed by name (the ctest name, as `ctest -N` lists it, e.g.
SockDiagQuery.SeesAnIpv6Listener or integration.test_wss) in tests/allowed_skips.txt, with the reason, or
for one run in WSLOADGEN_ALLOWED_SKIPS (names separated by commas or spaces). With WSLOADGEN_SKIP_REPORT
set, the same lines are appended to that file (.ci/run prints them at the end).

Usage: /usr/bin/python3 tests/check_skips.py BUILD_DIR/ctest-junit.xml
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

ALLOW_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "allowed_skips.txt")


def allowed_skips(path=ALLOW_FILE, environment=os.environ):
    """{test name: why it may be skipped} from the allow-list file and WSLOADGEN_ALLOWED_SKIPS."""
    allowed = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    name, _, why = line.partition(" ")
                    allowed[name] = why.strip() or "(no reason given)"
    for name in re.split(r"[,\s]+", environment.get("WSLOADGEN_ALLOWED_SKIPS", "").strip()):
        if name:
            allowed.setdefault(name, "WSLOADGEN_ALLOWED_SKIPS")
    return allowed


def skip_reason(output):
    """Why a test skipped, from its output: run_test_file.py's "wsloadgen-skip:" lines, or GTEST_SKIP's
    message (the line after "file:line: Skipped")."""
    lines = output.splitlines()
    reasons = [line[len("wsloadgen-skip: "):] for line in lines if line.startswith("wsloadgen-skip: ")]
    for i, line in enumerate(lines):
        if line.endswith(": Skipped") and i + 1 < len(lines):
            reasons.append(lines[i + 1].strip())
    return "; ".join(reasons) or "no reason printed"


def skipped_tests(junit_path):
    """[(ctest name, reason)] of the tests ctest reported as not run (skipped)."""
    skipped = []
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        if case.find("skipped") is not None or case.get("status") == "notrun":
            skipped.append((case.get("name"), skip_reason(case.findtext("system-out") or "")))
    return skipped


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    if not os.path.exists(argv[1]):
        print(f"check_skips: {argv[1]} is missing: ctest did not run", file=sys.stderr)
        return 1
    allowed = allowed_skips()
    lines, refused = [], []
    for name, reason in skipped_tests(argv[1]):
        if name in allowed:
            lines.append(f"skipped (allowed: {allowed[name]}): {name}: {reason}")
        else:
            lines.append(f"SKIPPED, NOT ALLOWED: {name}: {reason}")
            refused.append(name)
    if refused:
        lines.append(f"{len(refused)} skipped test(s) not allowed: fix what made them skip, or list them with the "
                     f"reason in tests/allowed_skips.txt (or WSLOADGEN_ALLOWED_SKIPS for one run)")
    for line in lines:
        print(f"dev: {line}", file=sys.stderr)
    report = os.environ.get("WSLOADGEN_SKIP_REPORT")
    if report and lines:
        with open(report, "a") as f:
            f.writelines(f"{line}\n" for line in lines)
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
