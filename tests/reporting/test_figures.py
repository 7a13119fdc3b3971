"""Charts of the report."""

import pandas as pd
from matplotlib.figure import Figure

from evaluation.reporting.figures import love_plot

BALANCE = pd.DataFrame(
    {"covariate": ["size", "baseline_mean"], "std_diff_before": [0.62, -0.41], "std_diff_after": [0.08, -0.03]}
)


def test_love_plot_returns_a_figure():
    figure = love_plot(BALANCE, title="Comparison schools")
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["size", "baseline_mean"]
    assert len(axes.collections) == 2  # before and after
    assert [list(c.get_offsets()[:, 0]) for c in axes.collections] == [[0.62, -0.41], [0.08, -0.03]]
    assert axes.get_title() == "Comparison schools"
