"""What the Grafana dashboards ask Prometheus: their panel queries and variable queries, with variables filled in.

Pure functions over the dashboard JSON, so the tests can evaluate every query the way Grafana would send it.
"""
import json
import re
from dataclasses import dataclass

VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
METRIC_NAME = re.compile(r"\bwsloadgen_[a-z0-9_]+")
LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?:(.*?)\s*,\s*)?(\w+)\s*\)\s*$", re.S)
SELECTOR = re.compile(r"\b(wsloadgen_[a-z0-9_]+)\{([^}]*)\}")


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref_id: str
    expr: str
    instant: bool  # Grafana evaluates it once at the end of the time range (stat, table), else over the range

    def __str__(self):
        return f"{self.dashboard} / {self.panel} / {self.ref_id}: {self.expr}"


def load_dashboard(path):
    with open(path) as f:
        return json.load(f)


def all_panels(dashboard):
    """Every panel, including those nested in collapsed rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def panel_queries(dashboard):
    out = []
    for panel in all_panels(dashboard):
        for target in panel.get("targets", []):
            if target.get("hide"):
                continue
            instant = bool(target.get("instant")) and not target.get("range", False)
            out.append(PanelQuery(dashboard["title"], panel.get("title", ""), target.get("refId", ""),
                                  target["expr"], instant))
    return out


def template_variables(dashboard):
    return {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}


def variable_query(variable):
    """The PromQL text of a query variable (its query is a string in old dashboards, an object in new ones)."""
    query = variable.get("query")
    return query.get("query", "") if isinstance(query, dict) else (query or variable.get("definition", ""))


def parse_label_values(text):
    """(series selector or None, label) of a `label_values([selector,] label)` variable query."""
    m = LABEL_VALUES.match(text)
    if not m:
        raise ValueError(f"not a label_values() query: {text!r}")
    return m.group(1), m.group(2)


def substitute(text, values):
    """`text` with $name, ${name} and [[name]] replaced from `values`; an unknown variable is an error."""
    def replace(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in values:
            raise KeyError(f"variable ${name} has no value (in {text!r})")
        return values[name]
    return VARIABLE.sub(replace, text)


def metric_names(expr):
    return set(METRIC_NAME.findall(expr))


def selectors(expr):
    """[(metric name, matcher text)] for every `wsloadgen_…{…}` selector in `expr`."""
    return SELECTOR.findall(expr)


def grouping_labels(expr):
    """The label lists of every `by (…)` / `without (…)` clause in `expr`, as (keyword, [labels])."""
    return [(kw, [label.strip() for label in labels.split(",") if label.strip()])
            for kw, labels in re.findall(r"\b(by|without)\s*\(([^)]*)\)", expr)]
