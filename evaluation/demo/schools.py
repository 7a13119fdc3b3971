"""The demo's schools: partnerships of schools from different provinces, and matched controls."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from evaluation.demo.names import ANCHOR_PARTNERSHIP, PROVINCES, SchoolNamer
from evaluation.demo.params import RESOURCE_LEVELS, DemoParameters
from evaluation.demo.randomness import correlated_normals

SCHOOL_COLUMNS = [
    "school_id", "school_name", "province", "country", "school_type", "group", "partnership_id",
    "resource_level",
]  # fmt: skip


def _next_provinces(
    rng: np.random.Generator, queue: list[int], n_provinces: int, size: int
) -> tuple[list[int], list[int]]:
    """Take ``size`` different provinces from a shuffled queue of the pool, refilling it when it
    runs short, so that partnerships spread evenly over the provinces."""
    if n_provinces < size:
        raise ValueError(f"a partnership of {size} schools needs {size} provinces; the pool has {n_provinces}")
    taken: list[int] = []
    while len(taken) < size:
        if not queue:
            queue = [int(p) for p in rng.permutation(n_provinces)]
        candidate = queue.pop(0)
        if candidate in taken:
            queue.append(candidate)  # only when the queue was refilled mid-partnership
            continue
        taken.append(candidate)
    return taken, queue


def _partnership_members(rng: np.random.Generator, params: DemoParameters) -> list[dict]:
    """One dict per partner school: partnership_id, province, school_type, resource_level (and
    school_name for the seed plan's schools)."""
    pool = list(params.provinces or PROVINCES)
    queue: list[int] = []
    n_partnerships = params.scale * len(params.partnership_sizes)
    width = max(2, len(str(n_partnerships)))
    members = []
    for number in range(n_partnerships):
        partnership_id = f"OO-2022-{number + 1:0{width}d}"
        template = number % len(params.partnership_sizes)
        if number == 0 and params.seed_partnership:
            members += [
                {"partnership_id": partnership_id, "province": school.province,
                 "school_type": school.school_type, "resource_level": school.resource_level,
                 "school_name": school.name}
                for school in ANCHOR_PARTNERSHIP
            ]  # fmt: skip
            continue
        size = params.partnership_sizes[template]
        provinces, queue = _next_provinces(rng, queue, len(pool), size)
        levels = rng.permutation(len(RESOURCE_LEVELS))[:size]
        members += [
            {"partnership_id": partnership_id, "province": pool[p],
             "school_type": params.partnership_types[template], "resource_level": RESOURCE_LEVELS[lv]}
            for p, lv in zip(provinces, levels, strict=True)
        ]  # fmt: skip
    return members


def _school_ids(provinces: list[str]) -> list[str]:
    """``TR-<plate>-<number>`` ids, numbered in order within each province."""
    counters: Counter[str] = Counter()
    ids = []
    for province in provinces:
        counters[province] += 1
        ids.append(f"TR-{PROVINCES[province].plate}-{counters[province]:03d}")
    return ids


def build_schools(rng: np.random.Generator, params: DemoParameters) -> pd.DataFrame:
    """The schools table: partner schools by partnership, then their matched control schools.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the provinces, resource levels and names.
    params : DemoParameters
        Generator settings (partnership sizes and types, provinces, controls per partner).

    Returns
    -------
    DataFrame
        The columns of ``SCHOOL_COLUMNS``. Each control school has the province, school type and
        resource level of one partner school, so both groups have the same mix.
    """
    partners = _partnership_members(rng, params)
    namer = SchoolNamer(rng, reserved=tuple(m["school_name"] for m in partners if "school_name" in m))
    for member in partners:
        member.setdefault("school_name", namer.name(member["province"], member["school_type"]))
        member["group"] = "partner"
    controls = [
        {"partnership_id": "", "province": member["province"], "school_type": member["school_type"],
         "resource_level": member["resource_level"], "group": "control",
         "school_name": namer.name(member["province"], member["school_type"])}
        for member in partners
        for _ in range(params.controls_per_partner_school)
    ]  # fmt: skip
    frame = pd.DataFrame(partners + controls)
    frame["school_id"] = _school_ids(frame["province"].tolist())
    frame["country"] = "TR"
    return frame[SCHOOL_COLUMNS]


def matched_partner_index(schools: pd.DataFrame, params: DemoParameters) -> np.ndarray:
    """Row of each school's matched partner school (a partner school's own row).

    ``build_schools`` lists the partner schools first, then ``controls_per_partner_school``
    controls for each partner school in the same order.
    """
    n_partners = int((schools["group"] == "partner").sum())
    rows = np.arange(len(schools))
    if params.controls_per_partner_school == 0:  # no control schools (one partnership): every row is its own
        return rows
    return np.where(rows < n_partners, rows, (rows - n_partners) // params.controls_per_partner_school)


def school_intercepts(
    rng: np.random.Generator, schools: pd.DataFrame, k: int, rho: float, params: DemoParameters
) -> np.ndarray:
    """Standard-normal school intercepts, (schools, k), equicorrelated ``rho`` across the k
    outcomes; a control school's intercepts correlate ``control_match_correlation`` with those
    of the partner school it is matched to (comparison schools chosen on prior results)."""
    fresh = correlated_normals(rng, len(schools), k, rho)
    match = matched_partner_index(schools, params)
    r = params.control_match_correlation
    control = (schools["group"].to_numpy() == "control")[:, None]
    return np.where(control, r * fresh[match] + np.sqrt(1.0 - r * r) * fresh, fresh)
