"""The Solara page of ``negsim explore``: tweak a scenario and watch the outcome charts change.

Every browser tab gets its own ``Exploration`` and batches (component state, never module
state), so several tabs do not share one model. A change reruns the batch in a thread, beside the
baseline's with the same seed; the page shows its progress and can cancel it. Solara and its
widgets are imported only here, so the rest of negsim runs without the ``explore`` extra.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import solara

from sim.errors import UsageError
from sim.explore.controls import Control, Group
from sim.explore.rerun import Cancelled, Rerun, rerun
from sim.explore.state import Exploration
from sim.explore.stepping import RunView, step_chart, trace_view
from sim.explore.variant import save_variant
from sim.scenario.loading import load_scenario
from sim.scenario.variants import value_label

SCENARIO_VARIABLE = "NEGSIM_EXPLORE_SCENARIO"
"""Environment variable naming the scenario file that the page opens."""
SAVE_VARIABLE = "NEGSIM_EXPLORE_SAVE_DIR"
"""Environment variable naming the folder where variants are saved (the scenario's folder)."""
RUNS_VARIABLE = "NEGSIM_EXPLORE_RUNS"
"""Environment variable with the number of runs the page starts with."""
RUNS_CHOICES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)


def _settings() -> tuple[Path, Path, int]:
    scenario = Path(os.environ.get(SCENARIO_VARIABLE, "scenarios/korea_us_2025.yaml"))
    save = Path(os.environ.get(SAVE_VARIABLE, "") or scenario.parent)
    return scenario, save, int(os.environ.get(RUNS_VARIABLE, "1000"))


@solara.component
def Page():
    """The whole page: the sidebar of settings, the charts and one run round by round."""
    path, save_dir, start_runs = _settings()
    loaded = solara.use_memo(lambda: load_scenario(path), [])
    start = solara.use_memo(lambda: Exploration.start(loaded), [])
    exploration, set_exploration = solara.use_state(start)
    runs, set_runs = solara.use_state(start_runs)
    seed, set_seed = solara.use_state(loaded.scenario.seed)
    progress, set_progress = solara.use_state(0.0)
    baselines = solara.use_ref({})
    stop = solara.use_ref(threading.Event())

    def compute() -> Rerun | None:
        stop.current.set()
        stop.current = threading.Event()
        event = stop.current
        set_progress(0.0)
        try:
            result = rerun(
                exploration.scenario,
                loaded.scenario,
                runs,
                seed,
                baseline_table=baselines.current.get((runs, seed)),
                progress=set_progress,
                cancelled=event.is_set,
            )
        except Cancelled:
            return None
        baselines.current = {(runs, seed): result.baseline}
        return result

    result = solara.use_thread(
        compute, dependencies=[exploration.scenario, runs, seed], intrusive_cancel=False
    )
    solara.Title(f"negsim explore: {loaded.scenario.name}")
    with solara.Sidebar():
        Batch(runs, set_runs, seed, set_seed)
        SaveVariant(exploration, save_dir, runs, seed)
        with solara.Row():
            solara.Button(
                "Reset to baseline",
                on_click=lambda: set_exploration(exploration.reset()),
                outlined=True,
            )
        for group in exploration.groups():
            Settings(group, exploration, set_exploration)
    with solara.Column(classes=["negsim-main"]):
        Html("h2", f"{loaded.scenario.name}: {loaded.scenario.description}")
        Changes(exploration)
        running = result.state == solara.ResultState.RUNNING
        if running:
            with solara.Row():
                solara.ProgressLinear(value=100 * progress)
                solara.Button("Cancel", on_click=stop.current.set, classes=["negsim-cancel"])
        if result.state == solara.ResultState.ERROR:
            solara.Error(f"The batch failed: {result.error}")
        elif result.value is not None:
            Charts(result.value, stale=running)
            StepRun(exploration, runs, seed)
        elif not running:
            solara.Info("The batch was cancelled; change a setting to run it again.")


def Html(tag: str, text: str, classes: tuple[str, ...] = ()):
    """Plain text in an HTML element (Solara's Markdown would fetch KaTeX from a CDN)."""
    return solara.v.Html(tag=tag, children=[text], class_=" ".join(classes))


@solara.component
def Batch(runs: int, set_runs, seed: int, set_seed):
    """Runs and seed of both batches."""
    Html("h3", "batch")
    solara.Select("runs", values=list(RUNS_CHOICES), value=runs, on_value=set_runs)
    solara.InputInt("seed", value=seed, on_value=lambda value: set_seed(max(0, int(value))))


@solara.component
def Settings(group: Group, exploration: Exploration, set_exploration):
    """One group of settings, folded away until opened."""
    with solara.Details(group.title, expand=group.title in ("calendar", "protocol", "events")):
        for control in group.controls:
            Setting(control, exploration, set_exploration)


@solara.component
def Setting(control: Control, exploration: Exploration, set_exploration):
    """A setting: a slider with an input box, a choice, or text; with the loader's message."""

    def change(value: Any) -> None:
        set_exploration(exploration.with_value(control.path, value))

    error = exploration.errors.get(control.path)
    shown = exploration.refused.get(control.path, control.value)
    classes = ["negsim-setting", "negsim-" + control.path.replace(".", "-")]
    with solara.Column(gap="0px", classes=classes):
        if control.kind == "choice":
            solara.Select(
                control.label, values=list(control.choices), value=control.value, on_value=change
            )
        else:
            if control.slider:
                step = (control.high - control.low) / 100

                def slide(value: float) -> None:
                    # A slider snaps a value between its steps when drawn: not a change.
                    if abs(value - float(control.value)) > 0.99 * step:
                        change(round(value, 6))

                solara.SliderFloat(
                    control.label,
                    value=float(control.value),
                    min=control.low,
                    max=control.high,
                    step=step,
                    on_value=slide,
                )
            solara.InputText(
                "" if control.slider else control.label,
                value=str(shown) if not isinstance(shown, float) else f"{shown:g}",
                on_value=change,
                continuous_update=False,
                error=error is not None,
                message=error or "",
            )


@solara.component
def Changes(exploration: Exploration):
    """The changed settings, or a note that this is the baseline."""
    changed = exploration.changed_paths()
    if not changed:
        Html("p", "The baseline, unchanged. Change a setting on the left to compare.")
        return
    items = "; ".join(f"{path} = {value_label(value)}" for path, value in changed.items())
    Html("p", f"Changed from the baseline (black outlines on the charts): {items}")


@solara.component
def Charts(result: Rerun, stale: bool):
    """The deal probability, the summary paragraph and the four charts."""
    style = {"opacity": "0.5"} if stale else {}
    with solara.Column(style=style):
        Html("h3", result.deal_probability_text(), ("negsim-deal",))
        Html("p", result.text)
        solara.Text(f"{len(result.table):,} runs; computed in {result.seconds:.2f} s.")
        with solara.Row(classes=["negsim-charts"]):
            Chart(result.charts["deal_probability"], "480px", "400px")
            Chart(result.charts["utilities"], "480px", "480px")
        Chart(result.charts["agreement_timing"], "100%", "420px")
        with solara.Row(classes=["negsim-issues"]):
            for name, option in result.charts.items():
                if name.startswith("issue."):
                    Chart(option, "400px", "360px")


def Chart(option: dict, width: str, height: str):
    """An ECharts chart of ``option``, drawn by the browser (``sim.explore.echarts``)."""
    return solara.FigureEcharts(
        option=option, attributes={"style": f"width: {width}; height: {height};"}
    )


@solara.component
def SaveVariant(exploration: Exploration, directory: Path, runs: int, seed: int):
    """A name field and a button that writes the changes as an ``extends:`` file."""
    name, set_name = solara.use_state(f"{exploration.baseline.scenario.name}_variant")
    message, set_message = solara.use_state("")

    def save() -> None:
        try:
            path = save_variant(exploration, name, directory, runs, seed)
        except UsageError as error:
            set_message(f"Not saved: {error}")
        else:
            set_message(f"Saved {path}")

    Html("h3", "save as variant")
    solara.InputText("variant name", value=name, on_value=set_name, continuous_update=True)
    solara.Button("Save as variant", on_click=save, classes=["negsim-save"])
    if message:
        solara.Text(message, classes=["negsim-saved"])


@solara.component
def StepRun(exploration: Exploration, runs: int, seed: int):
    """One run of the batch, round by round: offers in utility space and issues over time."""
    run, set_run = solara.use_state(0)
    shown, set_shown = solara.use_state(None)
    traced = solara.use_thread(
        lambda: trace_view(exploration.scenario, seed, min(run, runs - 1), runs),
        dependencies=[exploration.scenario, runs, seed, run],
        intrusive_cancel=False,
    )
    view: RunView | None = traced.value if traced.state == solara.ResultState.FINISHED else None
    Html("h3", "one run, round by round")
    with solara.Row():
        solara.InputInt(
            "run", value=run, on_value=lambda value: set_run(min(max(0, value), runs - 1))
        )
    if view is None:
        solara.Text("Replaying the run...")
        return
    last = view.rounds
    current = last if shown is None or shown > last else shown
    with solara.Row():
        solara.Button("First", on_click=lambda: set_shown(1), outlined=True)
        solara.Button("Previous", on_click=lambda: set_shown(max(1, current - 1)), outlined=True)
        solara.Button("Next", on_click=lambda: set_shown(min(last, current + 1)), outlined=True)
        solara.Button("Last", on_click=lambda: set_shown(last), outlined=True)
    solara.SliderInt("round", value=current, min=1, max=max(1, last), on_value=set_shown)
    solara.Image(step_chart(view, current), width="100%")
