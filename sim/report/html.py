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

from sim.batch.storage import write_text
from sim.errors import UsageError
from sim.report.pages import analysis_page, read_json
from sim.report.run import run_page

REPORT_FILE = "report.html"
ANALYSIS_KINDS = ("comparison", "sweep", "sensitivity", "discovery", "backtest", "calibration")


# The report ---------------------------------------------------------------------------------


def write_report(directory: str | Path) -> Path:
    """Write ``report.html`` into a result folder or an analysis folder.

    Args:
        directory: A folder written by ``negsim run`` or by an analysis command (``compare``,
            ``sweep``, ``sensitivity``, ``discover``, ``backtest``, ``calibrate``).

    Returns:
        The path of the report.

    Raises:
        UsageError: The folder is not one of those.
    """
    directory = Path(directory)
    manifest = read_json(directory, "manifest.json")
    kind = manifest.get("kind", "run")
    if kind == "run":
        page = run_page(directory, manifest)
    elif kind in ANALYSIS_KINDS:
        page = analysis_page(directory, manifest, kind)
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


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


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
