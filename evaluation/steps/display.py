"""What a notebook section shows: Markdown text, tables and figures, in order."""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.figure import Figure

from evaluation.reporting.escaping import Chart, shown_part


@dataclass
class Shown:
    """The output of one section. In a notebook it displays each part in turn (text as Markdown);
    tests read `parts`, `text` and `tables` directly.

    Every part passes `evaluation.reporting.escaping.shown_part`: text only as `Markdown` (its
    values escaped), tables as DataFrames or escaping `ReportTable`s, figures and embedded images;
    anything else, a plain ``str`` included, is a TypeError."""

    parts: list = field(default_factory=list)

    def __init__(self, *parts) -> None:
        self.parts = [
            shown_part(part) for part in parts if part is not None and not (isinstance(part, str) and not part)
        ]

    @property
    def text(self) -> str:
        """The Markdown parts joined by blank lines."""
        return "\n\n".join(part for part in self.parts if isinstance(part, str))

    @property
    def figures(self) -> list[Figure]:
        """The charts shown (a `Chart`'s figure among them)."""
        return [
            part.figure if isinstance(part, Chart) else part for part in self.parts if isinstance(part, Figure | Chart)
        ]

    @property
    def tables(self) -> list:
        """The tables shown (DataFrames or Stylers)."""
        return [part for part in self.parts if not isinstance(part, (str, Figure, Chart))]

    def _ipython_display_(self) -> None:
        from IPython.display import Markdown, display

        for part in self.parts:
            display(Markdown(part) if isinstance(part, str) else part)


def chart_of(figure: Figure, alt: object) -> Chart:
    """`figure_of` with its alternative text: a `Chart` (shown as an image whose alt is the text)."""
    return figure_of(figure, alt)


def figure_of(axes_or_figure, alt: object = None) -> Figure | Chart:
    """The matplotlib Figure of what a chart function returned, closed to pyplot so that a
    notebook shows it once (through `Shown`), not a second time at the end of the cell. With
    ``alt`` (the chart in words, plain text: it is escaped), a `Chart`: shown as an image whose
    ``alt`` attribute is that text, where a bare Figure gets nbconvert's placeholder ("No
    description has been provided for this image")."""
    import matplotlib.pyplot as plt

    figure = axes_or_figure if isinstance(axes_or_figure, Figure) else axes_or_figure.get_figure()
    plt.close(figure)
    return figure if alt is None else Chart(figure, alt)
