"""The demo's school indicators: staff certificates, eTwinning and learning spaces, per year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.demo.params import DemoParameters

INDICATOR_COLUMNS = ["school_id", "year", "indicator", "value"]
LABEL_INDICATORS = ("etwinning_school_label", "makerspace_lab")  # 0/1: the school has it or not
RESOURCE_MULTIPLIER = {"low": 0.6, "medium": 1.0, "high": 1.5}


def _indicator_values(
    rng: np.random.Generator, name: str, level: np.ndarray, partner: np.ndarray, params: DemoParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Values of one indicator in the first and second year, per school.

    Counts are cumulative: second year = first year + Poisson(growth), the growth of partner
    schools multiplied by ``indicator_partner_ratio``. Labels, once held, are kept.
    """
    boost = np.where(partner, params.indicator_partner_ratio, 1.0)
    base = params.indicator_base[name] * level
    growth = params.indicator_growth[name] * boost
    if name in LABEL_INDICATORS:
        first = rng.random(len(level)) < np.minimum(base, 1.0)
        second = first | (rng.random(len(level)) < np.minimum(growth, 1.0))
        return first.astype(np.int64), second.astype(np.int64)
    first = rng.poisson(base)
    return first, first + rng.poisson(growth)


def build_indicators(rng: np.random.Generator, schools: pd.DataFrame, params: DemoParameters) -> pd.DataFrame:
    """The indicators table: one row per school, year and indicator (``indicator_base``).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the values.
    schools : DataFrame
        The schools table (resource level and group of each school).
    params : DemoParameters
        ``indicator_years``, ``indicator_base``, ``indicator_growth``,
        ``indicator_partner_ratio``.

    Returns
    -------
    DataFrame
        The columns of ``INDICATOR_COLUMNS``, ordered by school, year and indicator (in the order
        of ``indicator_base``); values are non-negative integers, 0/1 for labels.
    """
    level = schools["resource_level"].map(RESOURCE_MULTIPLIER).to_numpy(dtype=float)
    partner = schools["group"].to_numpy() == "partner"
    names = list(params.indicator_base)
    values = np.stack(
        [np.stack(_indicator_values(rng, name, level, partner, params), axis=1) for name in names], axis=2
    )  # schools x years x indicators
    n_schools, n_years, n_names = values.shape
    return pd.DataFrame(
        {
            "school_id": np.repeat(schools["school_id"].to_numpy(), n_years * n_names),
            "year": np.tile(np.repeat(np.asarray(params.indicator_years), n_names), n_schools),
            "indicator": np.tile(np.asarray(names, dtype=object), n_schools * n_years),
            "value": values.ravel(),
        }
    )
