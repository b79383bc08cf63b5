"""Reads the generator's end-of-run summary table, for tests that check its records of server behaviour."""
import re

OUTCOMES = ["completed", "server_closed_first", "timed_out", "server_never_closed", "error"]
_UNITS = {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    """'2.01s' / '812µs' / '3.41ms' -> seconds; '-' -> None."""
    if text == "-":
        return None
    m = re.fullmatch(r"([\d.]+)(ns|µs|ms|s)", text)
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def close_rows(summary):
    """{pattern: {"started": n, outcome: n, ..., "p50": s, "max": s, "codes": "1000×3 ..."}}"""
    rows = {}
    for line in summary.splitlines():
        cells = line.split()
        if len(cells) >= 11 and cells[1].isdigit() and cells[0] not in ("connect", "handshake", "message_rtt"):
            row = {"started": int(cells[1])}
            row.update({name: int(n) for name, n in zip(OUTCOMES, cells[2:7])})
            row.update({"p50": seconds(cells[7]), "p90": seconds(cells[8]), "p99": seconds(cells[9]),
                        "max": seconds(cells[10]), "codes": " ".join(cells[11:])})
            rows[cells[0]] = row
    return rows


def latency_row(summary, name):
    """The latency table's row `name` (e.g. 'tcp_end/stall') as {"count", "p50", "p90", "p99", "max"}, or None."""
    for line in summary.splitlines():
        cells = line.split()
        if cells and cells[0] == name and len(cells) == 6:
            return {"count": int(cells[1]), "p50": seconds(cells[2]), "p90": seconds(cells[3]),
                    "p99": seconds(cells[4]), "max": seconds(cells[5])}
    return None
