"""Multiple outcomes: Benjamini-Hochberg false discovery rate adjustment."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values, as R's ``p.adjust(p, method = "BH")``.

    Missing p-values (NaN) stay missing and do not count in m, as ``p.adjust``'s default
    ``n = length(p[!is.na(p)])``.

    Notes
    -----
    With the m p-values sorted decreasingly, p_adj(i) = min over j >= i of min(1, m / j * p(j)),
    j the rank from the smallest.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03, float("nan")]).round(4).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    present = ~np.isnan(p)
    m = int(present.sum())
    if m == 0:
        return adjusted
    values = p[present]
    order = np.argsort(values)[::-1]  # largest first
    ranks = np.arange(m, 0, -1)
    scaled = np.minimum.accumulate(m / ranks * values[order])
    result = np.empty(m)
    result[order] = np.minimum(scaled, 1.0)
    adjusted[present] = result
    return adjusted
