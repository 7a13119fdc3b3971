"""The report's part on the tests scored item by item: per test and wave its reliability (KR-20,
or alpha for items scored in points), mean difficulty and total (results/test_reliability.csv),
and in words the items whose corrected point-biserial is low or negative
(results/test_items.csv, `evaluation.analysis.item_analysis.weak_items`)."""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.item_analysis import LOW_DISCRIMINATION, weak_items
from evaluation.reporting import escaping as md
from evaluation.reporting.headings import column
from evaluation.reporting.sentences import label, note_text


def overview_of_tests(tests: pd.DataFrame, language: str) -> pd.DataFrame:
    """One row per test and wave: test, wave, students, items, KR-20 (or alpha), mean difficulty,
    mean and SD of the total, its maximum, and the suppression mark and note."""
    shown = pd.DataFrame(
        {
            column("test", language): [label(str(t), language) for t in tests["test_id"]],
            column("wave", language): [label(str(w), language) for w in tests["wave"]],
            column("n", language): tests["n"],
            column("n_items", language): tests["n_items"],
            column("test_reliability", language): [f"{column(str(m), language)}" for m in tests["method"]],
            column("reliability", language): pd.to_numeric(tests["reliability"], errors="coerce"),
            column("mean_difficulty", language): pd.to_numeric(tests["mean_difficulty"], errors="coerce"),
            column("mean_total", language): pd.to_numeric(tests["mean_total"], errors="coerce"),
            column("sd_total", language): pd.to_numeric(tests["sd_total"], errors="coerce"),
            column("max_total", language): _whole(pd.to_numeric(tests["max_total"], errors="coerce")),
            column("suppressed", language): [column("suppressed", language) if s else "" for s in tests["suppressed"]],
        }
    )
    notes = [note_text(note, language) for note in tests["note"].fillna("")]
    if any(notes):
        shown[column("note", language)] = notes
    return shown.reset_index(drop=True)


def weak_item_sentences(tests: pd.DataFrame, items: pd.DataFrame, language: str) -> md.Markdown:
    """One bullet per test and wave that is not suppressed: the items whose corrected point-biserial
    is below `LOW_DISCRIMINATION` named (those below zero apart), or that every item is above it."""
    weak = weak_items(items)
    threshold = md.number(LOW_DISCRIMINATION, 2, language)
    bullets = []
    for row in tests.itertuples(index=False):
        if row.suppressed:
            continue
        names = {"test": label(str(row.test_id), language), "wave": label(str(row.wave), language)}
        cell = weak[(weak["test_id"] == row.test_id) & (weak["wave"] == row.wave)]
        values = pd.to_numeric(cell["corrected_point_biserial"], errors="coerce")
        negative = cell.loc[values < 0, "item"].astype(str).tolist()
        low = cell.loc[values >= 0, "item"].astype(str).tolist()
        if not negative and not low:
            bullets.append(md.text("report.test_items.all_discriminate", language, threshold=threshold, **names))
            continue
        parts = []
        total = md.count(int(row.n_items), language)
        if len(low) == row.n_items:
            bullets.append(md.text("report.test_items.all_low", language, total=total, threshold=threshold, **names))
            continue
        if low:
            parts.append(
                md.plural(
                    "report.test_items.low",
                    len(low),
                    language,
                    items=md.listing(low, language),
                    total=total,
                    threshold=threshold,
                    **names,
                )
            )
        if negative:
            parts.append(
                md.plural(
                    "report.test_items.negative", len(negative), language, items=md.listing(negative, language), **names
                )
            )
        bullets.append(md.Markdown(" ").join(parts))
    return md.Markdown("\n").join(md.Markdown("- {}").format(md.capitalise(bullet, language)) for bullet in bullets)


def _whole(values: pd.Series) -> pd.Series:
    """Full marks as whole numbers when they are (15, not 15.00)."""
    return values.astype("Int64") if values.notna().all() and (values % 1 == 0).all() else values
