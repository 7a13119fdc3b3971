"""From the pipeline's results to the evidence tables: `results/evidence.csv` (one row per
partner-versus-control finding, data-model.md), `results/balance.csv` and
`results/balance_test.csv` (partner against control schools on their baseline characteristics).

Notebook 04 (evaluation.steps.evidence) writes them with these functions; the report reads what they wrote.

The student-level starting sample of the attrition verdict is the one of `results/attrition.csv`
(`evaluation.analysis.attrition.outcome_attrition`): the class roster's students of the group's schools
when every analysed student is on the roster, else those with a pre-test. The What Works
Clearinghouse measures attrition from the sample as it was when the groups were formed; the
roster is that sample, while starting from the students with a pre-test would not count those
who missed the pre-test and so understate attrition. Taking the counts from `attrition.csv` also
keeps the verdict on the same numbers as the report's table of who took part in both waves.
Schools start as the group's schools of the schools table, and count as analysed when at least
one of their students (or respondents) is in the analysed sample.
"""

from __future__ import annotations

import math

import pandas as pd

from evaluation.config.plan import Plan
from evaluation.errors import EvidenceInputError
from evaluation.evidence import (
    EVIDENCE_COLUMNS,
    Attrition,
    JointTest,
    absent_characteristics,
    attrition,
    balance_table,
    baseline_characteristics,
    evidence_row,
    joint_orthogonality_test,
)
from evaluation.stats.unfit import code, join_notes

DESIGN = "qed"  # partner schools chose to partner: the groups were not formed by lot
# Impact estimates that adjust for the pre-test, as the WWC asks when the baseline difference is
# between 0.05 and 0.25 SD: regression (ANCOVA, the mixed model with the pre-test) and the
# difference in differences of pre and post values (WWC Standards Handbook v4.1, section III.B).
ADJUSTING_METHODS = ("ancova_cr1", "ancova_cr2", "mixed_reml", "did")
BALANCE_TEST_COLUMNS = [
    "statistic",
    "df_numerator",
    "df_denominator",
    "p_value",
    "n",
    "n_clusters",
    "characteristics",
    "note",
]
_GROUPS = ("partner", "control")


def attrition_levels(counts: pd.DataFrame, outcome: str, boundary: str = "cautious") -> list[Attrition] | None:
    """Student- (or respondent-) and school-level attrition of one outcome, judged against the WWC
    `boundary`, from its rows of `results/attrition.csv`.

    Assigned units are ``n_baseline`` (the starting sample, see the module docstring), analysed
    units ``n_linked`` (a value in both waves). None when the outcome has no rows for both groups
    at both levels, or a count is blank (a suppressed group): attrition is then unknown.
    """
    rows = counts[counts["outcome"] == outcome]
    levels = []
    for is_school in (False, True):
        part = rows[(rows["level"] == "schools") == is_school].set_index("group")
        if (
            not set(_GROUPS) <= set(part.index)
            or part.loc[list(_GROUPS), ["n_baseline", "n_linked"]].isna().any().any()
        ):
            return None
        name = "schools" if is_school else str(part.at["partner", "level"])
        levels.append(
            attrition(
                part.at["partner", "n_baseline"],
                part.at["partner", "n_linked"],
                part.at["control", "n_baseline"],
                part.at["control", "n_linked"],
                level=name,
                boundary=boundary,
            )
        )
    return levels


def _one(rows: pd.DataFrame, what: str, outcome: str) -> pd.Series:
    if len(rows) != 1:
        raise EvidenceInputError(
            f"results/effects.csv: expected one {what} row of outcome {outcome!r} (subgroup all), found {len(rows)}"
        )
    return rows.iloc[0]


def evidence_table(effects: pd.DataFrame, counts: pd.DataFrame, plan: Plan, method: str) -> pd.DataFrame:
    """`results/evidence.csv`: one row per outcome of the plan (subgroup ``all``), columns
    `evaluation.evidence.EVIDENCE_COLUMNS`.

    Parameters
    ----------
    effects : DataFrame
        `results/effects.csv`: the finding is the ``partner_vs_control`` row of `method` (the
        report's headline method), the baseline g the ``baseline_equivalence`` row.
    counts : DataFrame
        `results/attrition.csv`, judged against the plan's ``attrition_boundary``.

    Notes
    -----
    The design is a quasi-experiment (`DESIGN`), so the rating follows the baseline verdict
    (`evaluation.evidence.rating`). A confirmatory outcome is judged significant on its p-value
    adjusted within its multiplicity family; an exploratory one (``confirmatory: false``) has no
    adjusted p-value (p_adjusted blank) and is judged on its unadjusted p-value. The ``summary``
    column is left empty here: the sentence is words, written by
    `evaluation.reporting.evidence.with_summaries` in the plan's language.
    """
    rows = []
    for outcome in plan.outcomes:
        mine = effects[(effects["outcome"] == outcome.id) & (effects["subgroup"] == "all")]
        finding = _one(
            mine[(mine["analysis"] == "partner_vs_control") & (mine["method"] == method)],
            f"partner_vs_control {method}",
            outcome.id,
        )
        baseline = _one(mine[mine["analysis"] == "baseline_equivalence"], "baseline_equivalence", outcome.id)
        row = evidence_row(
            outcome=outcome.id,
            domain=outcome.domain,
            subgroup="all",
            design=DESIGN,
            attrition=attrition_levels(counts, outcome.id, plan.attrition_boundary),
            baseline_g=float(baseline["effect_size"]),
            effect_size=float(finding["effect_size"]),
            p_adjusted=float(finding["p_adjusted" if outcome.confirmatory else "p_value"]),
            alpha=plan.alpha,
            adjusted_for_baseline=method in ADJUSTING_METHODS,
        )
        if not outcome.confirmatory:
            row["p_adjusted"] = math.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def school_balance(accepted: dict[str, pd.DataFrame], min_cell_size: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The balance of partner and control schools (`evaluation.evidence.balance`): the table of
    `results/balance.csv` and the one-row joint test of `results/balance_test.csv`.

    Every baseline characteristic the accepted tables hold (school type, size, resource level;
    students' sex, grade, special needs, migrant background, pre-test per subject) is compared
    with school-clustered CR1 errors, as iebaltab does. Student-level rows with fewer than
    `min_cell_size` students in a group are blanked (column ``suppressed``, and their ``note``).
    ``note`` says why a row has no test (``constant``; ``zero_std_error``) or why it is left out
    of the joint test (``separates_groups``); the joint test's ``note`` names every
    characteristic it left out and why, the optional roster columns the data does not have
    (``absent:special_needs``), and why there is no test when there is none
    (`evaluation.stats.unfit` codes, worded by the report).
    """
    frame, levels = baseline_characteristics(
        accepted["schools"], accepted.get("students"), accepted.get("exam_results")
    )
    table = balance_table(frame, levels)
    small = (table["level"] == "student") & (table[["n_partner", "n_control"]].min(axis=1) < min_cell_size)
    numbers = [c for c in table.columns[2:] if c != "note"]
    table[numbers] = table[numbers].astype(float).mask(small, axis=0)
    counts = ["n_partner", "n_control", "n_clusters_partner", "n_clusters_control"]
    table[counts] = table[counts].round().astype("Int64")
    table["suppressed"] = small
    table["note"] = table["note"].where(~small, "")  # a note on a small group's values could tell them
    table = table[[c for c in table.columns if c != "note"] + ["note"]]
    students = any(level == "student" for level in levels.values())  # none: the schools alone, no roster
    absent = [code("absent", name) for name in absent_characteristics(levels)] if students else []
    try:
        joint: JointTest | None = joint_orthogonality_test(frame, list(levels))
        note = join_notes(absent)
    except EvidenceInputError as error:
        joint, note = None, str(error)
    return table, joint_test_frame(joint, note)


def joint_test_frame(joint: JointTest | None, note: str = "") -> pd.DataFrame:
    """One row (`BALANCE_TEST_COLUMNS`): the joint F-test, or blanks and the reason in ``note``;
    ``note`` also holds the codes of `JointTest.left_out`."""
    if joint is None:
        row = dict.fromkeys(BALANCE_TEST_COLUMNS[:-2], math.nan) | {"characteristics": "", "note": note}
    else:
        tested = not math.isnan(joint.statistic)
        row = {
            "statistic": joint.statistic,
            "df_numerator": joint.df_numerator if tested else math.nan,
            "df_denominator": joint.df_denominator if tested else math.nan,
            "p_value": joint.p_value,
            "n": joint.n,
            "n_clusters": joint.n_clusters,
            "characteristics": "; ".join(joint.characteristics),
            "note": join_notes(note, joint.left_out),
        }
    return pd.DataFrame([row], columns=BALANCE_TEST_COLUMNS)


def _flag(value) -> bool | None:
    """True/False from evidence.csv (read back as bool or text), None when blank."""
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.lower())
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else bool(value)


def read_evidence(path) -> pd.DataFrame:
    """`results/evidence.csv` with its flags as True, False or None."""
    evidence = pd.read_csv(path, dtype={"significant": object, "substantively_important": object})
    for name in ("significant", "substantively_important"):
        evidence[name] = [_flag(v) for v in evidence[name]]
    return evidence
