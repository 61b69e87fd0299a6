"""No legend covers data: its box overlaps no bar and no point, in the charts of run and compare."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from sim.analysis.results import load_results
from sim.charts.compare import all_charts
from sim.charts.run import plot_agreement_timing, plot_issue_outcomes, plot_utilities
from sim.pipelines.run import run_scenario
from tests.conftest import BASELINE, SCENARIOS


def data_boxes(ax):
    """Display-space extents of the bars (non-empty rectangles) and the points of an axes."""
    boxes = [
        patch.get_window_extent()
        for patch in ax.patches
        if isinstance(patch, Rectangle) and patch.get_height() > 0 and patch.get_width() > 0
    ]
    points = []
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and len(collection.get_offsets()):
            points.append(collection.get_offset_transform().transform(collection.get_offsets()))
    return boxes, np.concatenate(points) if points else np.empty((0, 2))


def assert_legends_clear(figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    for ax in figure.axes:
        legends = [ax.get_legend()] if ax.get_legend() is not None else []
        for legend in legends:
            frame = legend.get_window_extent(renderer)
            for other in figure.axes:
                boxes, points = data_boxes(other)
                for box in boxes:
                    assert not frame.overlaps(box), f"legend of {ax.get_title()!r} covers a bar"
                inside = (
                    (points[:, 0] > frame.x0)
                    & (points[:, 0] < frame.x1)
                    & (points[:, 1] > frame.y0)
                    & (points[:, 1] < frame.y1)
                )
                assert not inside.any(), f"legend of {ax.get_title()!r} covers a point"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("legends")
    for name, scenario in (("base", BASELINE), ("pkg", SCENARIOS / "package_with_investment.yaml")):
        run_scenario(scenario, runs=1500, seed=5, out=root / name)
    return root


def test_run_charts_keep_their_legends_off_the_data(folders, baseline):
    import pandas as pd

    table = pd.read_parquet(folders / "base" / "runs.parquet")
    for figure in (
        plot_issue_outcomes(table, baseline),
        plot_agreement_timing(table, baseline),
        plot_utilities(table, baseline),
    ):
        assert_legends_clear(figure)


def test_compare_charts_keep_their_legends_off_the_data(folders):
    results = load_results([folders / "base", folders / "pkg"])
    for name, figure in all_charts(results).items():
        assert_legends_clear(figure), name


def test_plot_issue_outcomes_draws_on_the_users_axes(folders, baseline):
    import pandas as pd
    from matplotlib.figure import Figure

    table = pd.read_parquet(folders / "base" / "runs.parquet")
    figure = Figure()
    axes = figure.subplots(3, 1)
    assert plot_issue_outcomes(table, baseline, axes=axes) is figure
    assert [ax.get_title() for ax in axes] == [i.label for i in baseline.issues.values()]
    with pytest.raises(ValueError, match="needs 3 axes"):
        plot_issue_outcomes(table, baseline, axes=axes[:2])
