"""Balance of partner and control schools on baseline characteristics, as the World Bank's
``iebaltab`` reports it: means per group, normalised differences, a cluster-robust test of each
difference, and the joint F-test of orthogonality.

References
----------
Imbens, G. W., & Rubin, D. B. (2015). Causal Inference for Statistics, Social, and Biomedical
Sciences, section 14.2 (the normalised difference).
World Bank DIME Analytics, ``ietoolkit``: ``iebaltab`` (normalised differences and the F-test
of joint orthogonality with cluster-robust errors).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.errors import EvidenceInputError
from evaluation.stats.cluster_robust import VcovType, coefficient_test, cr1_vcov
from evaluation.stats.unfit import RELATIVE_ZERO, aliased_columns, code, is_zero, join_notes, scale_of

BALANCE_COLUMNS = [
    "characteristic", "level", "n_partner", "n_control", "n_clusters_partner", "n_clusters_control",
    "mean_partner", "mean_control", "sd_partner", "sd_control", "difference", "normalised_difference",
    "std_error", "p_value", "note",
]  # fmt: skip
FEMALE = {"F", "K"}  # the reader maps K/E to F/M; both accepted here
#: Roster columns that a programme may not collect: left out of the table and the joint test when
#: the roster does not have them (or has them empty), and named in the joint test's note.
OPTIONAL_CHARACTERISTICS = ("special_needs", "migrant_refugee")


def normalised_difference(treatment, control) -> float:
    """(mean_1 - mean_0) / sqrt((s_1^2 + s_0^2) / 2), sample variances (ddof 1); NaN when either
    group has fewer than two values or both variances are 0."""
    a = np.asarray(treatment, dtype=float)
    b = np.asarray(control, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 2 or len(b) < 2:
        return math.nan
    scale = math.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2.0)
    return math.nan if is_zero(scale, scale_of(a, b)) else float((a.mean() - b.mean()) / scale)


def _flag(series: pd.Series, name: str) -> pd.Series:
    try:
        return series.astype("boolean").astype("Float64").astype(float)
    except (TypeError, ValueError):
        raise EvidenceInputError(
            f"balance: column {name!r} must hold true/false values; found "
            f"{series.dropna().astype(str).unique()[:3].tolist()}"
        ) from None


def baseline_characteristics(
    schools: pd.DataFrame, students: pd.DataFrame | None, exam_results: pd.DataFrame | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per student with every baseline characteristic as a number, and each
    characteristic's level.

    Columns: school_id, treatment (1 partner, 0 control), then school-level characteristics
    ``school_type=<type>`` and ``resource_level=<level>`` (0/1 shares), ``school_size`` (students
    of the school in the roster, else in the exam results), and student-level ones ``female``,
    ``grade``, ``special_needs``, ``migrant_refugee`` (when the roster has them with at least one
    value: `OPTIONAL_CHARACTERISTICS` absent or empty are left out, `absent_characteristics`) and
    ``pre_<subject>`` (mean pre-test score per subject). Students come from the roster, else from
    the exam results; a programme with neither (a consortium of surveys alone, without a roster)
    is described by its schools alone: one row per school, with the school-level characteristics
    but ``school_size``, which counts students.

    Returns
    -------
    (frame, levels)
        levels maps each characteristic to ``school`` or ``student``.
    """
    per_school = False
    if students is not None and not students.empty:
        base = students.copy()
    elif exam_results is not None and not exam_results.empty:
        base = exam_results.drop_duplicates("student_id")[["student_id", "school_id", "grade"]].copy()
    else:  # no student to describe: each school stands for itself
        base, per_school = schools[["school_id"]].assign(student_id=schools["school_id"]), True
    frame = base[["student_id", "school_id"]].copy()
    levels: dict[str, str] = {}
    school_rows = schools.set_index("school_id")
    unknown = sorted(set(frame["school_id"]) - set(school_rows.index))
    if unknown:
        raise EvidenceInputError(f"balance: student school_id {unknown[0]!r} is not in the schools table")
    frame["treatment"] = (frame["school_id"].map(school_rows["group"]) == "partner").astype(int)
    for column in ("school_type", "resource_level"):
        if column not in schools.columns:
            continue
        values = frame["school_id"].map(school_rows[column])
        for level in sorted(values.dropna().unique()):
            name = f"{column}={level}"
            frame[name] = np.where(values.isna(), np.nan, (values == level).astype(float))
            levels[name] = "school"
    if not per_school:
        frame["school_size"] = frame.groupby("school_id")["student_id"].transform("size").astype(float)
        levels["school_size"] = "school"
    if "sex" in base.columns:
        frame["female"] = np.where(base["sex"].isna(), np.nan, base["sex"].astype(str).str.upper().isin(FEMALE))
        levels["female"] = "student"
    if "grade" in base.columns:
        frame["grade"] = pd.to_numeric(base["grade"], errors="coerce").astype(float)
        levels["grade"] = "student"
    for column in OPTIONAL_CHARACTERISTICS:
        if column in base.columns and base[column].notna().any():  # an empty column is an absent one
            frame[column] = _flag(base[column], column).to_numpy()
            levels[column] = "student"
    if exam_results is not None and not exam_results.empty:
        pre = exam_results[exam_results["wave"] == "pre"]
        means = pre.groupby(["student_id", "subject"])["score"].mean().unstack("subject")
        aligned = means.reindex(frame["student_id"])  # the students looked up once for every subject
        for subject in sorted(means.columns):
            name = f"pre_{subject}"
            frame[name] = aligned[subject].to_numpy(dtype=float)
            levels[name] = "student"
    return frame.drop(columns="student_id").reset_index(drop=True), levels


def _one_value(values: np.ndarray, scale: float) -> bool:
    """Whether `values` (none counts) have a single value, up to rounding relative to `scale`."""
    return len(values) == 0 or is_zero(float(np.ptp(values)), scale)


def _one_row(frame: pd.DataFrame, column: str, level: str, treatment: str, cluster: str, vcov: VcovType) -> dict:
    rows = frame.drop_duplicates(cluster) if level == "school" else frame
    rows = rows.dropna(subset=[column])
    treated = rows[treatment].to_numpy() == 1
    values = rows[column].to_numpy(dtype=float)
    clusters = pd.factorize(rows[cluster], sort=True)[0]  # the schools as integers: no Python string per row
    row = {
        "characteristic": column,
        "level": level,
        "n_partner": int(treated.sum()),
        "n_control": int((~treated).sum()),
        "n_clusters_partner": int(pd.Series(clusters[treated]).nunique()),
        "n_clusters_control": int(pd.Series(clusters[~treated]).nunique()),
        "mean_partner": float(values[treated].mean()) if treated.any() else math.nan,
        "mean_control": float(values[~treated].mean()) if (~treated).any() else math.nan,
        "sd_partner": float(np.std(values[treated], ddof=1)) if treated.sum() > 1 else math.nan,
        "sd_control": float(np.std(values[~treated], ddof=1)) if (~treated).sum() > 1 else math.nan,
        "normalised_difference": normalised_difference(values[treated], values[~treated]),
        "std_error": math.nan,
        "p_value": math.nan,
        "note": "",
    }
    row["difference"] = row["mean_partner"] - row["mean_control"]
    scale = scale_of(values)
    if _one_value(values, scale):  # no difference to test, and no standard error but rounding noise
        row["note"] = code("constant")
    elif row["n_clusters_partner"] >= 1 and row["n_clusters_control"] >= 1 and pd.Series(clusters).nunique() > 2:
        separates = _one_value(values[treated], scale) or _one_value(values[~treated], scale)
        x = np.column_stack([np.ones(len(values)), treated.astype(float)])
        test = coefficient_test(x, values, clusters, column=1, vcov=vcov)
        if not test.note:
            row["std_error"], row["p_value"] = test.std_error, test.p_value
        row["note"] = join_notes(code("separates_groups") if separates else "", test.note)
    return row


def balance_table(
    frame: pd.DataFrame,
    levels: dict[str, str],
    treatment: str = "treatment",
    cluster: str = "school_id",
    vcov: VcovType = "CR1",
) -> pd.DataFrame:
    """One row per characteristic (columns `BALANCE_COLUMNS`).

    School-level characteristics are compared over schools (one row per school), student-level
    ones over students. The test of each difference is the coefficient of the partner indicator
    in an OLS regression of the characteristic on it, with school-clustered errors (`vcov`
    ``CR1``: Stata's and iebaltab's ``vce(cluster)``, t on G - 1 df; ``CR2``: Bell-McCaffrey with
    Satterthwaite df). Rows without a value of the characteristic are left out of its row.
    """
    missing = [c for c in (treatment, cluster, *levels) if c not in frame.columns]
    if missing:
        raise EvidenceInputError(f"balance: the characteristics frame has no column {missing[0]!r}")
    rows = [_one_row(frame, column, level, treatment, cluster, vcov) for column, level in levels.items()]
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS)


@dataclass(frozen=True)
class JointTest:
    """F-test that no characteristic predicts being a partner school.

    `left_out` holds the codes of the characteristics the test left out, and why
    (``constant:<name>``, ``separates_groups:<name>``, ``dropped_collinear:<name>``,
    ``ill_conditioned:<name>``), or of why there is no test (``no_characteristic``,
    ``too_many_characteristics``; the numbers are then NaN)."""

    statistic: float
    df_numerator: int
    df_denominator: int
    p_value: float
    n: int
    n_clusters: int
    characteristics: tuple[str, ...]
    left_out: tuple[str, ...] = ()


def absent_characteristics(levels: dict[str, str]) -> list[str]:
    """The `OPTIONAL_CHARACTERISTICS` that `baseline_characteristics` found absent or empty."""
    return [name for name in OPTIONAL_CHARACTERISTICS if name not in levels]


def _candidates(frame: pd.DataFrame, columns: list[str], treatment: str) -> tuple[list[str], list[str]]:
    """The characteristics that may enter the joint regression, and the codes of those left out
    before it: constant ones, and those with a single value within partner or within control
    schools (on their own they tell the groups apart, and the regression fits those schools
    exactly, which leaves the cluster-robust covariance singular); of each set of category
    shares (``name=level``) the first level is the reference and is dropped without a note."""
    kept, left_out, seen_prefix = [], [], set()
    treated = frame[treatment].to_numpy(dtype=float) == 1
    for column in columns:
        values = frame[column].to_numpy(dtype=float)
        scale = scale_of(values)
        if _one_value(values, scale):
            left_out.append(code("constant", column))
            continue
        prefix = column.split("=", 1)[0] if "=" in column else None
        if prefix is not None and prefix not in seen_prefix:
            seen_prefix.add(prefix)
            continue
        if _one_value(values[treated], scale) or _one_value(values[~treated], scale):
            left_out.append(code("separates_groups", column))
            continue
        kept.append(column)
    return kept, left_out


def _design(rows: pd.DataFrame, names: list[str]) -> np.ndarray:
    return np.column_stack([np.ones(len(rows)), rows[names].to_numpy(dtype=float)])


def _ill_conditioned(x: np.ndarray, y: np.ndarray, clusters: np.ndarray) -> bool:
    """Whether the CR1 covariance of the slopes is singular up to rounding: its correlation
    matrix has an eigenvalue at most `evaluation.stats.unfit.RELATIVE_ZERO` (a direction the
    clusters' scores do not vary in, such as a category only one school has)."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    v = cr1_vcov(x, y - x @ beta, clusters)[1:, 1:]
    sd = np.sqrt(np.clip(np.diag(v), 0.0, None))
    if np.any(sd <= RELATIVE_ZERO * np.abs(beta[1:])) or not np.all(np.isfinite(v)) or not np.all(sd > 0):
        return True
    return bool(np.linalg.eigvalsh(v / np.outer(sd, sd)).min() <= RELATIVE_ZERO)


def joint_orthogonality_test(
    frame: pd.DataFrame, columns: list[str], treatment: str = "treatment", cluster: str = "school_id"
) -> JointTest:
    """Regress the partner indicator on all characteristics (students with every one of them)
    and test that all their coefficients are 0.

    Notes
    -----
    W = b' V^-1 b with V the CR1 covariance (``sandwich::vcovCL(type = "HC1")``, Stata's
    ``vce(cluster)``), F = W / q on (q, G - 1) degrees of freedom, q the number of
    characteristics, G the number of schools: as Stata's ``test`` after ``regress, vce(cluster)``
    (what iebaltab reports) and ``clubSandwich::Wald_test(vcov = "CR1S", test = "Naive-F")``.

    Left out, each with a code in `JointTest.left_out` (`evaluation.stats.unfit`): constant
    characteristics, one reference level of each categorical one (without a code), those with a
    single value within a group (``separates_groups``: such a characteristic made the F of a
    held-out programme 9.2e28), and, taken in order, each that the ones before it reproduce
    (``dropped_collinear``, as R's ``lm``) or that leaves the covariance of the slopes singular
    up to rounding (``ill_conditioned``). The students analysed are those with every one of
    `columns`. With no characteristic left, or more than G - 1, the numbers are NaN.
    """
    rows = frame.dropna(subset=[treatment, cluster, *columns])
    y = rows[treatment].to_numpy(dtype=float)
    clusters = pd.factorize(rows[cluster], sort=True)[0]  # the schools as integers, once for every model
    g = int(pd.Series(clusters).nunique())
    candidates, left_out = _candidates(rows, columns, treatment)
    names: list[str] = []
    for name in candidates:
        x = _design(rows, [*names, name])
        if aliased_columns(x):
            left_out.append(code("dropped_collinear", name))
        elif len(names) + 1 <= g - 1 and _ill_conditioned(x, y, clusters):
            left_out.append(code("ill_conditioned", name))
        else:
            names.append(name)
    nan = math.nan
    if not names:
        return JointTest(nan, 0, max(g - 1, 0), nan, len(rows), g, (), (*left_out, "no_characteristic"))
    q = len(names)
    if q > g - 1:
        return JointTest(
            nan, q, max(g - 1, 0), nan, len(rows), g, tuple(names), (*left_out, "too_many_characteristics")
        )
    x = _design(rows, names)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    vcov = cr1_vcov(x, y - x @ beta, clusters)
    b, v = beta[1:], vcov[1:, 1:]
    statistic = float(b @ np.linalg.solve(v, b) / q)
    p = float(stats.f.sf(statistic, q, g - 1))
    return JointTest(statistic, q, g - 1, p, len(rows), g, tuple(names), tuple(left_out))
