"""Statistical methods: plain functions taking a DataFrame and column names, returning a frozen
`evaluation.results.Estimate`."""

from evaluation.stats.ancova import ancova_clustered
from evaluation.stats.effect_sizes import hedges_correction, hedges_g_paired, pooled_sd
from evaluation.stats.prepost import paired_change

__all__ = ["ancova_clustered", "hedges_correction", "hedges_g_paired", "paired_change", "pooled_sd"]
