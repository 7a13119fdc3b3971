"""What the WWC reports about a finding besides its effect size: the clustering correction of a
significance test that ignored clustering, the improvement index, and whether the finding is
statistically significant and substantively important.

References
----------
Hedges, L. V. (2007). Correcting a significance test for clustering. Journal of Educational and
Behavioral Statistics, 32(2), 151-179.
What Works Clearinghouse (2020). Procedures Handbook, Version 4.1, appendix on the clustering
correction of mismatched analyses; What Works Clearinghouse (2022). Procedures and Standards
Handbook, Version 5.0 (improvement index, substantively important effects, default ICCs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from scipy import stats

from evaluation.errors import EvidenceInputError
from evaluation.stats.effect_sizes import cluster_design_df

OutcomeKind = Literal["achievement", "behavioural"]
DEFAULT_ICC = {"achievement": 0.20, "behavioural": 0.10}  # WWC defaults when a study reports none
SUBSTANTIVE_THRESHOLD = 0.25  # |g| at or above this is substantively important (WWC)


@dataclass(frozen=True)
class ClusterCorrection:
    """A t-test corrected for clustering: the t it started from, the corrected t, its degrees
    of freedom h and the two-sided p-value."""

    t: float
    t_corrected: float
    df: float
    p_value: float
    icc: float
    n_total: int
    n_clusters: int


def t_from_g(g: float, n_treatment: int, n_control: int) -> float:
    """The t statistic implied by Hedges' g when clustering is ignored (WWC):
    t = g / sqrt(N / (n_t n_c) + g^2 / (2N))."""
    n = n_treatment + n_control
    return g / math.sqrt(n / (n_treatment * n_control) + g**2 / (2 * n))


def default_icc(kind: OutcomeKind) -> float:
    """The WWC's default intraclass correlation: 0.20 for achievement outcomes, 0.10 for
    behavioural and attitudinal ones."""
    if kind not in DEFAULT_ICC:
        raise EvidenceInputError(f"outcome kind must be 'achievement' or 'behavioural', got {kind!r}")
    return DEFAULT_ICC[kind]


def cluster_correction(t: float, n_total: int, n_clusters: int, icc: float) -> ClusterCorrection:
    """Correct a t statistic computed as if students were sampled independently, when schools
    (clusters) were assigned.

    Notes
    -----
    With N students, m clusters, n = N/m the average cluster size and rho the ICC (Hedges 2007;
    WWC Procedures Handbook v4.1):

        t_a = t sqrt( ((N - 2) - 2 (n - 1) rho) / ((N - 2) (1 + (n - 1) rho)) )
        h   = ((N - 2) - 2 (n - 1) rho)^2 /
              ((N - 2) (1 - rho)^2 + n (N - 2n) rho^2 + 2 (N - 2n) rho (1 - rho))

    and p = 2 P(T_h > |t_a|). With rho = 0 nothing changes (t_a = t, h = N - 2); with rho = 1
    h = m - 2, the degrees of freedom of a test on cluster means.
    """
    if not 0.0 <= icc <= 1.0:
        raise EvidenceInputError(f"ICC must lie in [0, 1], got {icc}")
    if n_clusters < 3 or n_total < n_clusters:
        raise EvidenceInputError(
            f"clustering correction needs at least 3 clusters and more students than "
            f"clusters; got {n_total} students in {n_clusters} clusters"
        )
    big_n, n = float(n_total), n_total / n_clusters
    shared = (big_n - 2) - 2 * (n - 1) * icc
    t_a = t * math.sqrt(shared / ((big_n - 2) * (1 + (n - 1) * icc)))
    h = cluster_design_df(n_total, n_clusters, icc)
    p = float(2 * stats.t.sf(abs(t_a), h))
    return ClusterCorrection(float(t), float(t_a), float(h), p, float(icc), int(n_total), int(n_clusters))


def improvement_index(g: float) -> float:
    """WWC improvement index: the expected change in percentile rank of an average control
    student had they received the programme, 100 (Phi(g) - 0.5) (Cohen's U3 minus 50)."""
    if g is None or math.isnan(g):
        return math.nan
    return float(100.0 * (stats.norm.cdf(g) - 0.5))


def is_significant(p_value: float, alpha: float = 0.05) -> bool | None:
    """True when p < alpha; None when there is no p-value (suppressed or not estimable)."""
    if p_value is None or math.isnan(p_value):
        return None
    return bool(p_value < alpha)


def is_substantively_important(g: float) -> bool | None:
    """True when |g| >= 0.25 (WWC: substantively important whatever the significance)."""
    if g is None or math.isnan(g):
        return None
    return bool(abs(g) >= SUBSTANTIVE_THRESHOLD)
