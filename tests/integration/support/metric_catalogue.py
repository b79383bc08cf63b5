"""The metric names wsloadgen declares (loadgen/metrics/metric_catalogue.hpp) and the ones a /metrics body carries."""
import os
import re

HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
DEFINITION = re.compile(r'MetricDefinition\s+\w+\s*\{\s*"(wsloadgen_\w+)"\s*,\s*MetricKind::(\w+)')


def catalogue(source_dir):
    """{name: kind} from the catalogue header, the one place the code takes its metric names from."""
    with open(os.path.join(source_dir, "loadgen", "metrics", "metric_catalogue.hpp")) as f:
        return dict(DEFINITION.findall(f.read()))


def family_name(series_name, kinds):
    """The family a series name belongs to: `x_bucket`, `x_sum`, `x_count` of a histogram `x` are `x`."""
    for suffix in HISTOGRAM_SUFFIXES:
        base = series_name[:-len(suffix)]
        if series_name.endswith(suffix) and kinds.get(base) == "histogram":
            return base
    return series_name


def exposition_series_names(text):
    """Names of the samples in a Prometheus text exposition (families without a sample do not count)."""
    return {re.split(r"[{ ]", line, 1)[0] for line in text.splitlines() if line and not line.startswith("#")}


def exposition_samples(text, name):
    """[(labels dict, value)] of the samples called `name` in a Prometheus text exposition."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^" + re.escape(name) + r"(?:\{(.*)\})?\s+(\S+)", line)
        if m:
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1) or ""))
            out.append((labels, float(m.group(2))))
    return out
