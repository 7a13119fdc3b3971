"""Comparison schools chosen from a pool of non-partner schools by nearest-neighbour matching,
with the balance before and after matching as a table (drawn as a love plot by
`evaluation.reporting.figures.love_plot`).

Each partner school is matched to a pool school of the same school type, of the same region
when one is available, and nearest on the covariates (school size and baseline mean score by
default) by Mahalanobis or standardised Euclidean distance.

References
----------
Stuart, E. A. (2010). Matching methods for causal inference: a review and a look forward.
Statistical Science, 25(1), 1-21 (greedy nearest-neighbour matching, standardised differences,
love plots).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from evaluation.errors import EvidenceInputError
from evaluation.evidence.balance import normalised_difference

Distance = Literal["mahalanobis", "standardised"]
PAIR_COLUMNS = ["partner_id", "comparison_id", "school_type", "region_matched", "distance"]
BALANCE_COLUMNS = ["covariate", "mean_partner", "mean_pool", "mean_matched", "std_diff_before", "std_diff_after"]


@dataclass(frozen=True)
class Matching:
    """The matched pairs (`PAIR_COLUMNS`; comparison_id empty for a partner without a match)
    and the balance before and after (`BALANCE_COLUMNS`)."""

    pairs: pd.DataFrame
    balance: pd.DataFrame

    @property
    def comparison_ids(self) -> list[str]:
        return self.pairs["comparison_id"].dropna().tolist()


def school_profiles(schools: pd.DataFrame, exam_results: pd.DataFrame, subject: str | None = None) -> pd.DataFrame:
    """One row per school for matching: school_id, group, school_type, province, size (students
    with a pre-test) and baseline_mean (their mean pre-test score, of `subject` or of all
    subjects). Schools without a pre-test have size 0 and no baseline_mean."""
    pre = exam_results[exam_results["wave"] == "pre"]
    if subject is not None:
        pre = pre[pre["subject"] == subject]
    per_student = pre.groupby(["school_id", "student_id"])["score"].mean().reset_index()
    summary = per_student.groupby("school_id")["score"].agg(size="size", baseline_mean="mean")
    columns = [c for c in ("school_id", "group", "school_type", "province") if c in schools.columns]
    profiles = schools[columns].merge(summary, left_on="school_id", right_index=True, how="left")
    profiles["size"] = profiles["size"].fillna(0).astype(int)
    return profiles.reset_index(drop=True)


def _metric(values: np.ndarray, distance: Distance) -> np.ndarray:
    """The matrix M of the distance d(a, b) = sqrt((a - b)' M (a - b)) over all schools."""
    if distance == "mahalanobis":
        cov = np.atleast_2d(np.cov(values, rowvar=False))
        return np.linalg.pinv(cov)
    if distance == "standardised":
        sd = values.std(axis=0, ddof=1)
        return np.diag(np.where(sd > 0, 1.0 / np.where(sd > 0, sd, 1.0) ** 2, 0.0))
    raise EvidenceInputError(f"distance must be 'mahalanobis' or 'standardised', got {distance!r}")


def _greedy(
    dist: np.ndarray, allowed: np.ndarray, open_partners: set[int], taken: set[int], replace: bool
) -> dict[int, int]:
    """Pairs (partner row -> pool row) among `allowed` cells: repeatedly the closest remaining
    pair (ties: the lower partner, then pool, row), each pool school used once unless `replace`."""
    chosen: dict[int, int] = {}
    cost = np.where(allowed, dist, np.inf)
    if replace:
        for i in sorted(open_partners):
            if np.isfinite(cost[i]).any():
                chosen[i] = int(np.argmin(cost[i]))
        return chosen
    cost = cost.copy()
    cost[[i for i in range(cost.shape[0]) if i not in open_partners], :] = np.inf
    cost[:, sorted(taken)] = np.inf
    while np.isfinite(cost).any():
        i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
        chosen[int(i)] = int(j)
        cost[i, :] = np.inf
        cost[:, j] = np.inf
    return chosen


def match_schools(
    partners: pd.DataFrame,
    pool: pd.DataFrame,
    covariates: tuple[str, ...] = ("size", "baseline_mean"),
    exact: str = "school_type",
    region: str | None = "province",
    distance: Distance = "mahalanobis",
    replace: bool = False,
    id_column: str = "school_id",
) -> Matching:
    """Match every partner school to its nearest pool school.

    Parameters
    ----------
    partners, pool : DataFrame
        One row per school with `id_column`, `exact`, `region` (optional) and the `covariates`.
    distance : {"mahalanobis", "standardised"}
        Mahalanobis with the covariance of partners and pool together, or Euclidean on the
        covariates divided by their SD in partners and pool together.
    replace : bool
        False (default): a pool school serves at most one partner.

    Notes
    -----
    Greedy matching in two rounds: first within the same school type and region, then, for the
    partners still unmatched, within the same school type in any region (`region_matched` says
    which). Within a round the closest remaining pair is taken first, so the result does not
    depend on the order of the rows. A partner whose school type is not in the pool (or whose
    candidates are all taken) stays unmatched.
    """
    needed = [id_column, exact, *covariates] + ([region] if region else [])
    for name, frame in (("partners", partners), ("pool", pool)):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise EvidenceInputError(f"matching: the {name} table has no column {missing[0]!r}")
        incomplete = frame[list(covariates)].isna().any(axis=1)
        if incomplete.any():
            raise EvidenceInputError(
                f"matching: {name} school {frame.loc[incomplete, id_column].iloc[0]} has no "
                f"value of {', '.join(covariates)}; complete it or leave the school out"
            )
    a = partners[list(covariates)].to_numpy(dtype=float)
    b = pool[list(covariates)].to_numpy(dtype=float)
    metric = _metric(np.vstack([a, b]), distance)
    delta = a[:, None, :] - b[None, :, :]
    dist = np.sqrt(np.einsum("ijk,kl,ijl->ij", delta, metric, delta))
    same_type = partners[exact].to_numpy()[:, None] == pool[exact].to_numpy()[None, :]
    rounds = [same_type]
    if region:
        rounds.insert(0, same_type & (partners[region].to_numpy()[:, None] == pool[region].to_numpy()[None, :]))
    chosen: dict[int, tuple[int, bool]] = {}
    for k, allowed in enumerate(rounds):
        open_partners = set(range(len(partners))) - set(chosen)
        taken = {j for j, _ in chosen.values()}
        for i, j in _greedy(dist, allowed, open_partners, taken, replace).items():
            chosen[i] = (j, bool(region) and k == 0)
    rows = []
    for i in range(len(partners)):
        j, in_region = chosen.get(i, (None, False))
        rows.append(
            {
                "partner_id": partners[id_column].iloc[i],
                "school_type": partners[exact].iloc[i],
                "comparison_id": pool[id_column].iloc[j] if j is not None else None,
                "region_matched": in_region if j is not None else None,
                "distance": float(dist[i, j]) if j is not None else math.nan,
            }
        )
    pairs = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    order = sorted(chosen)
    matched = pool.iloc[[chosen[i][0] for i in order]]
    return Matching(pairs, balance_before_after(partners, pool, partners.iloc[order], matched, covariates))


def balance_before_after(
    partners: pd.DataFrame,
    pool: pd.DataFrame,
    matched_partners: pd.DataFrame,
    matched: pd.DataFrame,
    covariates: tuple[str, ...],
) -> pd.DataFrame:
    """Means and standardised differences (`normalised_difference`) of each covariate: all
    partners against the whole pool (before), and the matched partners against their comparison
    schools (after; a pool school used twice with replacement counts twice)."""
    rows = []
    for column in covariates:
        rows.append(
            {
                "covariate": column,
                "mean_partner": float(partners[column].mean()),
                "mean_pool": float(pool[column].mean()),
                "mean_matched": float(matched[column].mean()) if len(matched) else math.nan,
                "std_diff_before": normalised_difference(partners[column], pool[column]),
                "std_diff_after": normalised_difference(matched_partners[column], matched[column]),
            }
        )
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS)
