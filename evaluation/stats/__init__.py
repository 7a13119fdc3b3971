"""Statistical methods: plain functions taking a DataFrame and column names, returning a frozen
`evaluation.stats.estimate.Estimate` (or a frozen record holding one)."""

from importlib import import_module

#: Public name -> the module of evaluation.stats that defines it, imported when the name is first
#: used (PEP 562): a module that needs one estimator, or only `estimate`, loads no other's libraries.
_PUBLIC = {
    "ancova_clustered": "ancova",
    **dict.fromkeys(("WaldTest", "coefficient_test", "cr1_vcov", "cr2_vcov", "cr2_wald_test"), "cluster_robust"),
    "did_clustered": "did",
    **dict.fromkeys(("hedges_correction", "hedges_g", "hedges_g_paired", "pooled_sd", "standardise"), "effect_sizes"),
    "baseline_equivalence": "equivalence",
    **dict.fromkeys(("MixedFit", "mixed_reml", "random_intercept_reml"), "mixed"),
    **dict.fromkeys(("moderator_levels", "moderator_test"), "moderation"),
    "benjamini_hochberg": "multiplicity",
    **dict.fromkeys(
        ("hodges_lehmann", "paired_change", "paired_change_clustered", "welch_waves", "wilcoxon_signed_rank"), "prepost"
    ),
    **dict.fromkeys(("Reliability", "cronbach_alpha", "item_statistics", "kr20"), "reliability"),
}


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(import_module(f"{__name__}.{_PUBLIC[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MixedFit", "Reliability", "WaldTest", "ancova_clustered", "baseline_equivalence",
    "benjamini_hochberg", "coefficient_test", "cr1_vcov", "cr2_vcov", "cr2_wald_test", "cronbach_alpha",
    "did_clustered", "hedges_correction", "hedges_g", "hedges_g_paired", "hodges_lehmann", "item_statistics", "kr20",
    "mixed_reml", "moderator_levels", "moderator_test", "paired_change", "paired_change_clustered", "pooled_sd",
    "random_intercept_reml", "standardise", "welch_waves", "wilcoxon_signed_rank",
]  # fmt: skip
