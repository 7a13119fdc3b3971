"""Statistical methods: plain functions taking a DataFrame and column names, returning a frozen
`evaluation.stats.estimate.Estimate` (or a frozen record holding one)."""

from evaluation.stats.ancova import ancova_clustered
from evaluation.stats.cluster_robust import WaldTest, coefficient_test, cr1_vcov, cr2_vcov, cr2_wald_test
from evaluation.stats.did import did_clustered
from evaluation.stats.effect_sizes import hedges_correction, hedges_g, hedges_g_paired, pooled_sd, standardise
from evaluation.stats.equivalence import baseline_equivalence
from evaluation.stats.mixed import MixedFit, mixed_reml, random_intercept_reml
from evaluation.stats.moderation import moderator_levels, moderator_test
from evaluation.stats.multiplicity import benjamini_hochberg
from evaluation.stats.prepost import (
    hodges_lehmann,
    paired_change,
    paired_change_clustered,
    welch_waves,
    wilcoxon_signed_rank,
)
from evaluation.stats.reliability import Reliability, cronbach_alpha, item_statistics, kr20

__all__ = [
    "MixedFit", "Reliability", "WaldTest", "ancova_clustered", "baseline_equivalence",
    "benjamini_hochberg", "coefficient_test", "cr1_vcov", "cr2_vcov", "cr2_wald_test", "cronbach_alpha",
    "did_clustered", "hedges_correction", "hedges_g", "hedges_g_paired", "hodges_lehmann", "item_statistics", "kr20",
    "mixed_reml", "moderator_levels", "moderator_test", "paired_change", "paired_change_clustered", "pooled_sd",
    "random_intercept_reml", "standardise", "welch_waves", "wilcoxon_signed_rank",
]  # fmt: skip
