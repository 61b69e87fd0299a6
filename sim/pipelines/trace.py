"""``negsim trace``: replay one run of a batch round by round, chart it, write its folder."""

from __future__ import annotations

from pathlib import Path

from sim.analysis.folders import read_finished_manifest
from sim.analysis.trace import Trace, trace_of
from sim.batch.chunks import DEFAULT_CHUNK_RUNS, plan_chunks, run_chunk
from sim.batch.storage import provenance, scenario_record, staged_folder, write_text
from sim.charts.figures import save_figures
from sim.charts.trace import plot_trace
from sim.errors import UsageError
from sim.pipelines.output import DEFAULT_RESULTS
from sim.scenario.loading import InvalidData, LoadedScenario, load_scenario, validate
from sim.scenario.schema import Scenario


def trace_run(
    scenario: Scenario,
    seed: int,
    run: int = 0,
    runs: int | None = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
) -> Trace:
    """Replay run ``run`` of the batch of ``runs`` runs with master seed ``seed``.

    The run's chunk is simulated whole, since its random draws depend on the chunk's size; the
    replay is exact (same draws, same rounds as in the batch).

    Raises:
        UsageError: ``run`` is not a run of the batch.
    """
    runs = scenario.runs if runs is None else runs
    if not 0 <= run < runs:
        raise UsageError(f"run must be between 0 and {runs - 1} for a batch of {runs:,} runs")
    chunk = plan_chunks(runs, chunk_runs)[run // chunk_runs]
    result = run_chunk(scenario, seed, chunk, trace_rounds=run + 1)
    local = run - chunk.start
    outcome = result.runs.iloc[local]
    return trace_of(scenario, run, result.rounds, outcome, result.frontiers[local])


def trace_scenario(
    scenario: str | Path | LoadedScenario,
    *,
    seed: int | None = None,
    run: int = 0,
    runs: int | None = None,
    out: str | Path | None = None,
    force: bool = False,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
) -> tuple[Trace, Path]:
    """Replay one run of a batch and write ``trace.png`` and ``rounds.csv``.

    Args:
        scenario: A scenario file, or a scenario loaded with ``load_scenario``.
        seed: Master seed of the batch; the scenario's ``seed`` when ``None``.
        run: Which run of the batch.
        runs: Size of the batch; the scenario's ``runs`` when ``None``.
        out: Output folder (default ``results/<scenario name>-run-<run>/``).
        force: Replace ``out`` if it exists (otherwise refuse).
        chunk_runs: Runs per chunk of the batch (part of its seeding).

    Returns:
        The trace and the folder written.
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    spec = loaded.scenario
    seed = spec.seed if seed is None else seed
    runs = spec.runs if runs is None else runs
    trace = trace_run(spec, seed, run, runs, chunk_runs)
    out = Path(out) if out is not None else DEFAULT_RESULTS / f"{spec.name}-run-{run}"
    manifest = {
        **provenance(),
        **scenario_record(loaded, resolved=False),
        "seed": seed,
        "run": run,
        "runs": runs,
        "chunk_runs": chunk_runs,
    }
    with staged_folder(out, manifest, force) as folder:
        write_text(folder / "rounds.csv", trace.rounds.to_csv(index=False))
        save_figures({"trace.png": plot_trace(trace)}, folder)
    return trace, out


def trace_folder(
    directory: str | Path, *, run: int = 0, out: str | Path | None = None, force: bool = False
) -> tuple[Trace, Path]:
    """Replay run ``run`` of the batch in a result folder of ``negsim run``.

    The scenario (as resolved when the batch ran, so later edits of its file do not matter), the
    seed, the number of runs and the chunk size come from the folder's ``manifest.json``, so the
    replay is the run in row ``run`` of its ``runs.parquet``.

    Args:
        directory: A finished result folder of ``negsim run``.
        run: Which run of the batch.
        out: Output folder (default ``results/<scenario name>-run-<run>/``).
        force: Replace ``out`` if it exists (otherwise refuse).

    Returns:
        The trace and the folder written.

    Raises:
        UsageError: The folder is not a finished batch, or its manifest lacks a setting.
    """
    directory = Path(directory)
    manifest = read_finished_manifest(directory)
    path = directory / "manifest.json"
    if manifest.get("kind", "run") != "run":
        raise UsageError(
            f"{directory} holds a {manifest['kind']}, not a batch of negsim run; trace a run "
            "of a batch, or give the scenario file with --seed and --runs"
        )
    for key in ("scenario", "seed", "runs", "chunk_runs", "scenario_file", "scenario_sha256"):
        if key not in manifest:
            raise UsageError(f"{path}: {key}: missing; cannot tell which batch this is")
    try:
        scenario = validate(manifest["scenario"])
    except InvalidData as error:
        raise UsageError(f"{path}: scenario: {error}") from None
    loaded = LoadedScenario(
        scenario,
        manifest["scenario"],
        [Path(manifest["scenario_file"])],
        manifest["scenario_sha256"],
    )
    return trace_scenario(
        loaded,
        seed=manifest["seed"],
        run=run,
        runs=manifest["runs"],
        out=out,
        force=force,
        chunk_runs=manifest["chunk_runs"],
    )
