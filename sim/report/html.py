"""Output folders of the analysis commands, and one self-contained HTML report per folder.

``write_report(directory)`` turns a result folder (from ``negsim run``) or the folder of
``negsim compare``, ``negsim sweep`` or ``negsim sensitivity`` into ``report.html``: its text and
summary tables, every chart embedded as a base64 PNG data URI, the scenario's resolved parameters
and the manifest. The page loads nothing from elsewhere (no scripts, style sheets, fonts or
images from the network), so it opens in a browser offline and can be mailed as one file.

The analysis commands describe their folder in ``<kind>.json`` (``comparison.json``,
``sweep.json``, ``sensitivity.json``): a title, a text, notes, display tables and charts with
captions. Their ``manifest.json`` carries ``kind`` and the provenance of the inputs.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.batch.storage import write_text
from sim.errors import UsageError
from sim.report.tables import display_table, number

REPORT_FILE = "report.html"
ANALYSIS_KINDS = ("comparison", "sweep", "sensitivity")
RUN_CHARTS = {
    "issue_outcomes.png": "Outcome of each issue among deals, with the no-deal value marked.",
    "deal_probability.png": "How the talks ended, with Wilson 95% intervals.",
    "agreement_timing.png": "When the talks ended, against the calendar and the deadline.",
    "utilities.png": "Both sides' utilities per run, with the mean no-deal point.",
}


# The report ---------------------------------------------------------------------------------


def write_report(directory: str | Path) -> Path:
    """Write ``report.html`` into a result, comparison, sweep or sensitivity folder.

    Args:
        directory: A folder written by ``negsim run``, ``compare``, ``sweep`` or ``sensitivity``.

    Returns:
        The path of the report.

    Raises:
        UsageError: The folder is not one of those.
    """
    directory = Path(directory)
    manifest = _read_json(directory, "manifest.json")
    kind = manifest.get("kind", "run")
    if kind == "run":
        page = _run_page(directory, manifest)
    elif kind in ANALYSIS_KINDS:
        page = _analysis_page(directory, manifest, kind)
    else:
        raise UsageError(f"{directory}/manifest.json has an unknown kind {kind!r}")
    page["charts"] = [
        {"name": name, "caption": caption, "uri": _data_uri(directory / name)}
        for name, caption in page["charts"]
        if (directory / name).is_file()
    ]
    page["manifest"] = json.dumps(_without_scenarios(manifest), indent=2, default=str)
    path = directory / REPORT_FILE
    write_text(path, _template().render(**page))
    return path


def _read_json(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder")
    if not path.is_file():
        raise UsageError(
            f"{directory} has no {name}; expected a folder written by negsim run, compare, "
            "sweep or sensitivity"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None


def _run_page(directory: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The page of a result folder from ``negsim run``."""
    from sim.analysis.summary import describe

    summary = _read_json(directory, "summary.json")
    scenario = manifest.get("scenario", {})
    return {
        "title": f"{summary['scenario']}: {summary['runs']:,} runs",
        "subtitle": scenario.get("description", ""),
        "text": [describe(summary)],
        "notes": [],
        "tables": _summary_tables(summary),
        "charts": _charts(directory, RUN_CHARTS),
        "parameters": [_parameter_table("Resolved scenario parameters", {"": scenario})],
    }


def _summary_tables(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Display tables of a run's ``summary.json``."""
    low, high = summary["deal_probability_95ci"]
    endings = summary["endings"]
    runs = max(summary["runs"], 1)
    outcome = pd.DataFrame(
        [
            ["deal", f"{summary['deal_probability']:.1%}", f"{low:.1%} to {high:.1%}"],
            *[
                [name, f"{endings[name] / runs:.1%}", ""]
                for name in ("deadline", "breakdown")
                if name in endings
            ],
            ["deadline extended", f"{summary['extended_share']:.1%}", ""],
        ],
        columns=["outcome", "share of runs", "95% interval"],
    )
    quantiles = ["q05", "q25", "q50", "q75", "q95"]
    issues = pd.DataFrame(
        [
            [values["label"], values["unit"], number(values.get("mean"))]
            + [number(values.get(q)) for q in quantiles]
            for values in summary["issues_among_deals"].values()
        ],
        columns=["issue", "unit", "mean", "5%", "25%", "median", "75%", "95%"],
    )
    utilities = pd.DataFrame(
        [
            [party, number(v["mean"]), number(v["mean_among_deals"]), number(v["mean_reservation"])]
            for party, v in summary["utilities"].items()
        ],
        columns=["negotiator", "mean utility", "mean among deals", "mean reservation"],
    )
    timing = summary["time_to_deal"]
    time_table = pd.DataFrame(
        [
            [what, *[number(timing[what].get(q)) for q in quantiles]]
            for what in ("rounds", "days_before_deadline")
        ],
        columns=["time to deal (among deals)", "5%", "25%", "median", "75%", "95%"],
    )
    return [
        display_table("How the talks ended", outcome),
        display_table("Issues among deals", issues),
        display_table("Utilities (0-1)", utilities),
        display_table("Time to deal", time_table),
    ]


def _analysis_page(directory: Path, manifest: dict[str, Any], kind: str) -> dict[str, Any]:
    """The page of a comparison, sweep or sensitivity folder, from its ``<kind>.json``."""
    description = _read_json(directory, f"{kind}.json")
    if kind == "comparison":
        scenarios = {item["label"]: item.get("scenario", {}) for item in manifest["inputs"]}
        parameters = [
            _parameter_table("Parameters that differ between the scenarios", scenarios, True),
            *[_parameter_table(f"All parameters: {k}", {"": v}) for k, v in scenarios.items()],
        ]
    else:
        parameters = [_parameter_table("Resolved scenario parameters", {"": manifest["scenario"]})]
    return {
        "title": description["title"],
        "subtitle": description.get("subtitle", ""),
        "text": description.get("text", "").split("\n"),
        "notes": description.get("notes", []),
        "tables": description.get("tables", []),
        "charts": [(chart["file"], chart["caption"]) for chart in description.get("charts", [])],
        "parameters": parameters,
    }


def _charts(directory: Path, known: dict[str, str]) -> list[tuple[str, str]]:
    """The known charts in their order, then any other PNG files of the folder."""
    others = sorted(p.name for p in directory.glob("*.png") if p.name not in known)
    return [*known.items(), *[(name, "") for name in others]]


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def flatten_scenario(data: Any, prefix: str = "") -> dict[str, str]:
    """Resolved scenario data as ``{dotted path: display value}``; distributions on one line.

    Examples:
        >>> flatten_scenario({"a": {"b": 1, "c": {"dist": "uniform", "low": 0, "high": 2}}})
        {'a.b': '1', 'a.c': 'uniform(low=0, high=2)'}
    """
    if isinstance(data, dict) and "dist" in data:
        arguments = ", ".join(f"{k}={v}" for k, v in data.items() if k != "dist")
        return {prefix: f"{data['dist']}({arguments})"}
    if isinstance(data, dict):
        flat: dict[str, str] = {}
        for key, value in data.items():
            flat.update(flatten_scenario(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(data, list):
        return {prefix: "[" + ", ".join(str(v) for v in data) + "]"}
    return {prefix: str(data)}


def _parameter_table(
    title: str, scenarios: dict[str, dict[str, Any]], differing_only: bool = False
) -> dict[str, Any]:
    """A table of scenario parameters: one value column per scenario."""
    flat = {label: flatten_scenario(data) for label, data in scenarios.items()}
    paths = list(dict.fromkeys(path for values in flat.values() for path in values))
    rows = []
    for path in paths:
        values = [flat[label].get(path, "-") for label in flat]
        if differing_only and len(set(values)) == 1:
            continue
        rows.append([path, *values])
    columns = ["parameter", *[label or "value" for label in flat]]
    return display_table(title, pd.DataFrame(rows, columns=columns))


def _without_scenarios(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest without the resolved scenarios (shown as parameter tables instead).

    ``completed`` is left out too: a report is written into a folder before it is moved into
    place, when the flag is not yet set.
    """
    shown = {k: v for k, v in manifest.items() if k not in ("scenario", "completed")}
    if "inputs" in shown:
        shown["inputs"] = [
            {key: value for key, value in item.items() if key != "scenario"}
            for item in shown["inputs"]
        ]
    return shown


def _template():
    import jinja2

    environment = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(TEMPLATE)


TEMPLATE = """{% macro render_table(table) -%}
<table>
<thead><tr>{% for column in table.columns %}<th>{{ column }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in table.rows %}
<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{%- endmacro %}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; }
.subtitle { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr:nth-child(even) td { background: #fafafa; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9rem; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; }
.notes li { color: #444; font-size: 0.9rem; }
.file { color: #777; font-size: 0.85rem; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
{% if subtitle %}<p class="subtitle">{{ subtitle }}</p>{% endif %}
{% for paragraph in text if paragraph %}
<p>{{ paragraph }}</p>
{% endfor %}
{% if notes %}
<ul class="notes">
{% for note in notes %}<li>{{ note }}</li>
{% endfor %}
</ul>
{% endif %}
{% if tables %}
<h2>Tables</h2>
{% for table in tables %}
<h3>{{ table.title }}{% if table.csv %} <span class="file">({{ table.csv }})</span>{% endif %}</h3>
{{ render_table(table) }}
{% endfor %}
{% endif %}
{% if charts %}
<h2>Charts</h2>
{% for chart in charts %}
<figure>
<img src="{{ chart.uri }}" alt="{{ chart.name }}">
<figcaption>{{ chart.caption }} <span class="file">({{ chart.name }})</span></figcaption>
</figure>
{% endfor %}
{% endif %}
<h2>Scenario parameters</h2>
{% for table in parameters %}
<details{% if loop.first %} open{% endif %}>
<summary>{{ table.title }}</summary>
{{ render_table(table) }}
</details>
{% endfor %}
<h2>Manifest</h2>
<details>
<summary>manifest.json (without the resolved scenarios shown above)</summary>
<pre>{{ manifest }}</pre>
</details>
</body>
</html>
"""
