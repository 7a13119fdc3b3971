"""Above `LISTED_SCHOOLS` schools and `LISTED_PARTNERSHIPS` partnerships the report summarises
instead of listing (`evaluation.reporting.schools`, `evaluation.reporting.activities`,
`evaluation.steps.report.schools`): per outcome and group the median and middle half of the
schools' changes and how many intervals lie off zero, the partnerships counted by verdict, and the
activities as totals, share done by month for all and partnerships by share done. Built from
constructed results tables; the summaries' numbers are recomputed here from the constructed rows."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.activities import activity_log, activity_months, activity_summary
from evaluation.analysis.schools import PARTNERSHIP_COLUMNS, SCHOOL_COLUMNS
from evaluation.config.plan import Outcome, Plan
from evaluation.reporting import activities as activity_section
from evaluation.reporting import escaping as md
from evaluation.reporting import schools
from evaluation.reporting.workbook import sheet_name
from evaluation.steps import report
from evaluation.wording import text

NAN = math.nan
OUTCOMES = (Outcome("mathematics", "exam", "academic", subject="mathematics"),)
#: In every constructed school's and partnership's name: it must not reach a summary.
MARK = "Zeytinlik"


def plan(language: str = "en", school_pages: bool = True) -> Plan:
    return Plan(
        path=Path("plan.yaml"), programme="p", period="2022-2023", language=language, data_dir=Path("."),
        outcomes=OUTCOMES, school_pages=school_pages,
    )  # fmt: skip


def school_frames(n: int, controls: int = 0, blank_every: int = 7, seed: int = 1):
    """`n` schools (the last `controls` of them control schools, the others in partnerships of two)
    and their rows of results/schools.csv: every `blank_every`-th school blanked (under the plan's
    min_cell_size), the others a change with a 95% interval of ±1.5 around it."""
    rng = np.random.default_rng(seed)
    ids = [f"S{i:05d}" for i in range(n)]
    groups = ["partner"] * (n - controls) + ["control"] * controls
    frame = pd.DataFrame(
        {
            "school_id": ids,
            "school_name": [f"{MARK} <b>Lisesi</b> {i}" for i in range(n)],
            "group": groups,
            "partnership_id": [f"{MARK}-{i // 2}" if g == "partner" else NAN for i, g in enumerate(groups)],
        }
    )
    rows = []
    for i, sid in enumerate(ids):
        if i % blank_every == 0:
            rows.append([sid, "mathematics", "students", *[NAN] * 10, True])
            continue
        change = float(rng.normal(2.0, 3.0))
        rows.append([sid, "mathematics", "students", 30, 50.0, 10.0, 30, 50.0 + change, 10.0, 28, change,
                     change - 1.5, change + 1.5, False])  # fmt: skip
    return pd.DataFrame(rows, columns=SCHOOL_COLUMNS), frame


def expected(rows: pd.DataFrame) -> dict:
    """The summary of `rows` computed here: over the schools with a change only."""
    shown = rows[rows["change"].notna()]
    changes = shown["change"].to_numpy(dtype=float)
    return {
        "schools": len(rows),
        "shown": len(shown),
        "median": float(np.median(changes)),
        "p25": float(np.percentile(changes, 25)),
        "p75": float(np.percentile(changes, 75)),
        "above": int((shown["change_ci_low"] > 0).sum()),
        "below": int((shown["change_ci_high"] < 0).sum()),
    }


#: A partnership's verdict by its number modulo 4: narrowed, widened, no clear change, no result.
_GAPS = [
    (-2.0, -3.0, -1.0, True),
    (2.0, 1.0, 3.0, False),
    (0.1, -1.0, 1.2, NAN),
    (NAN, NAN, NAN, NAN),
]


def partnership_frame(n: int) -> pd.DataFrame:
    rows = [[f"{MARK}-{i}", "mathematics", f"S{2 * i:05d}", f"S{2 * i + 1:05d}", 4.0, 3.0, *_GAPS[i % 4]]
            for i in range(n)]  # fmt: skip
    rows.append(["all", "mathematics", NAN, NAN, 4.0, 3.0, -0.5, -1.5, 0.5, NAN])
    return pd.DataFrame(rows, columns=PARTNERSHIP_COLUMNS)


def activity_frames_records(n: int) -> pd.DataFrame:
    """`n` partnerships of four activities each; partnership i did i % 5 of them (shares 0, 25%,
    50%, 75%, 100%), the rest postponed (reason given) or cancelled alternately."""
    records = []
    for i in range(n):
        for no in range(1, 5):
            done = no <= i % 5
            status = "done" if done else ("postponed" if no % 2 else "cancelled")
            records.append(
                {
                    "partnership_id": f"{MARK}-{i:04d}",
                    "activity_no": no,
                    "activity_type": "joint_exam",
                    "planned_month": f"2022-{8 + no:02d}",
                    "status": status,
                    "completed_on": pd.Timestamp(f"2022-{8 + no:02d}-15") if done else pd.NaT,
                    "participants_students": 20 if done else pd.NA,
                    "participants_teachers": 2 if done else pd.NA,
                    "reason": "" if done else f"{MARK} kar tatili",
                }
            )
    return pd.DataFrame(records)


def activity_frames(n: int):
    """The activity log, activity_summary.csv and activity_months.csv of `activity_frames_records`."""
    log = activity_log(activity_frames_records(n))
    return log, activity_summary(log), activity_months(log)


def quick_activity_tables(n: int):
    """activity_summary.csv and activity_months.csv of `activity_frames(n)` built at once from the
    pattern (`evaluation.analysis.activities` loops per partnership and month: seconds at national
    size); `test_the_quick_tables_are_the_analysis_tables` holds them to the analysis's."""
    ids = [f"{MARK}-{i:04d}" for i in range(n)]
    done = np.array([i % 5 for i in range(n)])
    not_done = [range(d + 1, 5) for d in done]
    postponed = np.array([sum(no % 2 for no in rest) for rest in not_done])
    cancelled = 4 - done - postponed
    per = pd.DataFrame(
        {
            "partnership_id": ids, "planned": 4, "done": done, "partial": 0, "postponed": postponed,
            "cancelled": cancelled, "pending": 0, "share_done": np.round(done / 4, 3), "done_late": 0,
            "students": pd.array(np.where(done > 0, 20 * done, -1), dtype="Int64"),
            "teachers": pd.array(np.where(done > 0, 2 * done, -1), dtype="Int64"),
        }
    )  # fmt: skip
    per.loc[per["done"] == 0, ["students", "teachers"]] = pd.NA
    total = {
        "partnership_id": "all", "planned": 4 * n, "done": int(done.sum()), "partial": 0,
        "postponed": int(postponed.sum()), "cancelled": int(cancelled.sum()), "pending": 0,
        "share_done": round(done.sum() / (4 * n), 3), "done_late": 0, "students": 20 * int(done.sum()),
        "teachers": 2 * int(done.sum()),
    }  # fmt: skip
    summary = pd.concat([per, pd.DataFrame([total]).astype({"students": "Int64", "teachers": "Int64"})])
    months = []
    for k in range(1, 5):
        by_now = np.minimum(done, k)
        months.append(pd.DataFrame({"partnership_id": ids, "month": f"2022-{8 + k:02d}", "planned": 1,
                                    "planned_to_date": k, "done_to_date": by_now,
                                    "share_done_to_date": np.round(by_now / k, 3)}))  # fmt: skip
    per_month = pd.concat(months).sort_values(["partnership_id", "month"], kind="stable")
    overall = per_month.groupby("month", as_index=False)[["planned", "planned_to_date", "done_to_date"]].sum()
    overall = overall.assign(
        partnership_id="all", share_done_to_date=np.round(overall["done_to_date"] / overall["planned_to_date"], 3)
    )
    months = pd.concat([per_month, overall[per_month.columns]])
    return summary.reset_index(drop=True), months.reset_index(drop=True)


def test_the_quick_tables_are_the_analysis_tables():
    _, summary, months = activity_frames(12)
    quick_summary, quick_months = quick_activity_tables(12)
    pd.testing.assert_frame_equal(quick_summary, summary, check_dtype=False)
    pd.testing.assert_frame_equal(quick_months, months, check_dtype=False)


def rendered(parts) -> str:
    """The section as a reader gets it: Markdown as written, tables as HTML."""
    out = []
    for part in parts:
        if isinstance(part, tuple):
            out.append(rendered(part))
        elif isinstance(part, str):
            out.append(str(part))
        elif isinstance(part, pd.DataFrame):
            out.append(md.ReportTable(part).to_html())
        elif isinstance(part, md.ReportTable):
            out.append(part.to_html())
        else:
            raise AssertionError(f"unexpected part {type(part)}")
    return "\n\n".join(out)


# --- schools ---------------------------------------------------------------------------------------


def test_the_izmir_consortium_is_listed_and_one_school_over_the_limit_is_summarised():
    assert schools.LISTED_SCHOOLS >= 44  # the İzmir consortium's 44 institutions stay listed
    under, _ = school_frames(schools.LISTED_SCHOOLS)
    over, _ = school_frames(schools.LISTED_SCHOOLS + 1)
    assert not schools.summarises_schools(under) and schools.summarises_schools(over)


@pytest.mark.parametrize("controls", [0, 20])
def test_the_summary_recomputed_from_the_rows_counting_only_schools_with_a_change(controls):
    table, frame = school_frames(61, controls=controls)
    ((heading, summary),) = schools.school_summary_tables(table, frame, plan(), "en")
    assert heading == "### Mathematics"
    groups = ["partner schools", "control schools"] if controls else ["partner schools"]
    assert summary["group"].tolist() == groups
    for position, group in enumerate(["partner", "control"][: len(groups)]):
        rows = table[table["school_id"].isin(frame.loc[frame["group"] == group, "school_id"])]
        want = expected(rows)
        got = summary.iloc[position]
        assert got["schools"] == want["schools"] and got["schools with a change shown"] == want["shown"]
        assert want["shown"] < want["schools"]  # blanked schools are in the count of schools, not in the rest
        assert got["median change"] == pytest.approx(want["median"])
        assert got["middle half from (25th percentile)"] == pytest.approx(want["p25"])
        assert got["middle half to (75th percentile)"] == pytest.approx(want["p75"])
        assert got["interval wholly above zero"] == want["above"]
        assert got["interval wholly below zero"] == want["below"]
        assert want["above"] > 0 and want["below"] > 0  # the constructed rows exercise both counts
    html = rendered([summary])
    assert MARK not in html and "Lisesi" not in html


def test_a_blanked_school_with_an_extreme_change_does_not_move_the_summary():
    # a blanked row keeps no number in results/schools.csv; should one slip through marked
    # suppressed with its change blank, it is still only counted among the schools
    table, _ = school_frames(61)
    before = schools.school_summary(table)
    blanked = table.copy()
    first_shown = blanked.index[blanked["change"].notna()][0]
    blanked.loc[first_shown, ["n_linked", "change", "change_ci_low", "change_ci_high"]] = NAN
    blanked.loc[first_shown, "suppressed"] = True
    after = schools.school_summary(blanked)
    assert after["schools_count"] == before["schools_count"] == 61
    assert after["schools_shown"] == before["schools_shown"] - 1
    want = expected(blanked)
    assert after["median_change"] == pytest.approx(want["median"])


def test_the_intro_names_the_workbook_sheet_the_pages_and_chance_in_both_languages():
    table, _ = school_frames(61)
    for language in ("en", "tr"):
        intro = schools.school_summary_intro(table, language, "schools/index.html")
        assert f"“{sheet_name('schools', language)}”" in intro and "results.xlsx" in intro
        assert "(schools/index.html)" in intro
        assert text("report.schools.chance", language) in intro
    assert "With 61 schools" in schools.school_summary_intro(table, "en")
    turkish = schools.school_summary_intro(table, "tr")
    assert turkish.startswith("61 okul olduğu için bu bölüm okulları tek tek listelemek yerine özetler")
    assert "rastlantı sonucu" in turkish and "schools/index.html" not in turkish


def test_the_privacy_note_of_the_summary_says_blanked_schools_are_left_out():
    table, _ = school_frames(61)
    assert "left out of the median" in schools.summary_suppressed_note(table, 10, "en")
    assert "ortancaya" in schools.summary_suppressed_note(table, 10, "tr")
    assert schools.summary_suppressed_note(table, 1, "en") == ""
    nothing_blank, _ = school_frames(61, blank_every=10_000)
    nothing_blank = nothing_blank.assign(suppressed=False)
    nothing_blank.loc[0, ["n_linked", "change", "change_ci_low", "change_ci_high"]] = 1.0
    assert schools.summary_suppressed_note(nothing_blank, 10, "en") == ""


def test_turkish_summary_headers_and_decimal_commas():
    table, frame = school_frames(61, controls=10)
    ((_, summary),) = schools.school_summary_tables(table, frame, plan("tr"), "tr")
    assert summary.columns.tolist()[:3] == ["grup", "okul sayısı", "değişimi gösterilen okul"]
    assert "değişimin ortancası" in summary.columns and "aralığı tümüyle sıfırın üstünde" in summary.columns
    html = md.ReportTable(summary, "tr").to_html()
    median = expected(table[table["school_id"].isin(frame.loc[frame["group"] == "partner", "school_id"])])["median"]
    assert f"{median:.2f}".replace(".", ",") in html


# --- partnerships ----------------------------------------------------------------------------------


def test_thirty_partnerships_are_listed_and_thirty_one_counted():
    assert not schools.summarises_partnerships(partnership_frame(schools.LISTED_PARTNERSHIPS))
    assert schools.summarises_partnerships(partnership_frame(schools.LISTED_PARTNERSHIPS + 1))


@pytest.mark.parametrize("n", [31, 45])
def test_the_partnerships_counted_by_verdict(n):
    counts = schools.partnership_counts(partnership_frame(n), "en")
    (row,) = counts.to_dict("records")
    kinds = [i % 4 for i in range(n)]
    assert row["outcome"] == "mathematics" and row["partnerships"] == n
    assert row["gap narrowed"] == kinds.count(0) and row["gap widened"] == kinds.count(1)
    assert row["no clear change"] == kinds.count(2) and row["no result"] == kinds.count(3)
    assert row["with a result"] == n - kinds.count(3)
    intro = schools.partnership_counts_intro(partnership_frame(n), "tr")
    assert intro.startswith(f"{n} ortaklık olduğu için")
    assert f"“{sheet_name('partnerships', 'tr')}”" in intro
    turkish = schools.partnership_counts(partnership_frame(n), "tr")
    assert turkish.columns.tolist()[1:4] == ["ortaklık sayısı", "sonucu olan", "fark kapandı"]


# --- the step: listing or summarising --------------------------------------------------------------


@dataclass
class StandIn:
    plan: Plan
    monitoring: bool = True
    tables: dict = field(default_factory=dict)
    accepted: dict = field(default_factory=dict)
    instruments: dict = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.plan.language

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def run_of(n_schools: int, n_partnerships: int, language: str = "en", school_pages: bool = True) -> StandIn:
    table, frame = school_frames(n_schools)
    return StandIn(
        plan(language, school_pages),
        tables={"schools": table, "partnerships": partnership_frame(n_partnerships)},
        accepted={"schools": frame},
    )


def test_the_step_lists_sixty_schools_and_thirty_partnerships():
    shown = report.schools(run_of(60, 30))
    school_table, partnership_table = (t.data for t in shown.tables)
    assert len(school_table) == 60 and "school" in school_table.columns
    assert len(partnership_table) == 31 and "first school" in partnership_table.columns  # with the `all` row
    assert "(schools/index.html)" in shown.text and "summarises" not in shown.text
    assert text("report.sections.schools.intro", "en") in shown.text


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_step_summarises_sixty_one_schools_and_thirty_one_partnerships(language):
    shown = report.schools(run_of(61, 31, language))
    summary, counts = (t.data for t in shown.tables)
    assert len(summary) == 1 and len(counts) == 1
    # the section's introduction says the schools are summarised, not that each is listed
    assert text("report.schools.intro_summarised", language) in shown.text
    assert text("report.sections.schools.intro", language) not in shown.text
    assert text("report.sections.schools.heading", language) in shown.text
    assert shown.text.count("schools/index.html") == 1
    with_change = sum(i % 4 != 3 for i in range(31))  # the average is over the partnerships with a change
    across = f"over the {with_change} partnerships" if language == "en" else f"{with_change} ortaklıkta fark ortalama"
    assert across in shown.text
    assert MARK not in shown.text and MARK not in rendered(shown.tables)
    if language == "tr":
        assert "okulları tek tek listelemek yerine özetler" in shown.text and "ortaklık olduğu için" in shown.text


def test_the_step_without_school_pages_has_no_link_in_the_summary():
    shown = report.schools(run_of(61, 31, school_pages=False))
    assert "index.html" not in shown.text and "results.xlsx" in shown.text


# --- activities ------------------------------------------------------------------------------------


def test_thirty_partnerships_keep_their_rows_and_the_timeline():
    log, summary, months = activity_frames(activity_section.LISTED_PARTNERSHIPS)
    parts = activity_section.section_parts(log, summary, months, "en")
    assert any(isinstance(part, md.Chart) for part in parts)
    tables = [part.data for part in parts if isinstance(part, md.ReportTable)]
    assert len(tables[0]) == 31  # each partnership and all
    assert f"{MARK} kar tatili" in "".join(part for part in parts if isinstance(part, str))


def test_thirty_one_partnerships_are_summarised_without_a_name_or_a_chart():
    n = activity_section.LISTED_PARTNERSHIPS + 1
    log, summary, months = activity_frames(n)
    parts = activity_section.section_parts(log, summary, months, "en")
    assert not any(isinstance(part, md.Chart) for part in parts)
    by_month, bands = (part.data for part in parts if isinstance(part, md.ReportTable))
    assert by_month.iloc[:, 0].tolist() == ["all partnerships"]
    shares = [i % 5 / 4 for i in range(n)]
    assert bands.iloc[:, 0].tolist() == ["all (100%)", "75% or more, but not all", "50% or more, but under 75%",
                                         "under 50%"]  # fmt: skip
    assert bands["partnerships"].tolist() == [
        sum(s == 1 for s in shares),
        sum(0.75 <= s < 1 for s in shares),
        sum(0.5 <= s < 0.75 for s in shares),
        sum(s < 0.5 for s in shares),
    ]
    words = "\n".join(part for part in parts if isinstance(part, str))
    assert parts[0] == activity_section.totals_text(summary, months, "en")
    status = log["status"].astype(str)
    cancelled, postponed = int((status == "cancelled").sum()), int((status == "postponed").sum())
    assert f"Cancelled: {cancelled}; postponed: {postponed}." in words
    assert f"sheet “{sheet_name('activities', 'en')}”" in words and f"“{sheet_name('activity_summary', 'en')}”" in words
    assert MARK not in rendered(parts) and "kar tatili" not in rendered(parts)


def test_the_activity_summary_in_turkish():
    log, summary, months = activity_frames(31)
    parts = activity_section.section_parts(log, summary, months, "tr")
    words = "\n".join(part for part in parts if isinstance(part, str))
    assert "31 ortaklık olduğu için bu bölüm tüm ortaklıkların toplamlarını verir" in words
    assert "İptal edilen:" in words and "ertelenen:" in words
    (_, bands) = (part.data for part in parts if isinstance(part, md.ReportTable))
    assert bands.iloc[:, 0].tolist() == ["tümü (%100)", "en az %75, ama tümü değil",
                                         "en az %50, ama %75 düzeyinin altında", "%50 düzeyinin altında"]  # fmt: skip
    assert bands.columns.tolist() == ["planlanan faaliyetlerin yapılan oranı", "ortaklık sayısı"]


def test_no_activity_cancelled_or_postponed_is_said_so():
    log, _, _ = activity_frames(31)
    done = log.assign(status="done")
    assert activity_section.not_held_counts_text(done, "en") == text("report.activities.none_not_held", "en")


# --- national size -------------------------------------------------------------------------------


def test_three_thousand_schools_and_fifteen_hundred_partnerships_make_a_short_section_quickly():
    run = run_of(3000, 1500)
    log = activity_log(activity_frames_records(1500))
    summary, months = quick_activity_tables(1500)
    wall, cpu = time.perf_counter(), time.process_time()
    shown = report.schools(run)
    activity_parts = activity_section.section_parts(log, summary, months, "en")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    schools_out, activities_out = rendered(shown.parts), rendered(activity_parts)
    assert len(schools_out) < 8_000, len(schools_out)
    assert len(activities_out) < 8_000, len(activities_out)
    assert MARK not in schools_out + activities_out
    assert "With 3,000 schools" in schools_out and "With 1,500 partnerships" in activities_out
    assert cpu < 5.0 and wall < 20.0, (cpu, wall)


def test_a_partnership_short_of_all_is_not_counted_as_all_though_its_share_rounds_to_it():
    summary = pd.DataFrame(
        {"partnership_id": ["A", "B", "all"], "planned": [2000, 4, 2004], "done": [1999, 4, 2003],
         "share_done": [round(1999 / 2000, 3), 1.0, round(2003 / 2004, 3)]}
    )  # fmt: skip
    assert summary["share_done"].iloc[0] == 1.0
    bands = activity_section.share_bands_table(summary, "en")
    assert bands["partnerships"].tolist() == [1, 1, 0, 0]
