"""Random streams and correlated draws shared by the demo's generators."""

from __future__ import annotations

import zlib

import numpy as np


def random_stream(seed: int, name: str) -> np.random.Generator:
    """An independent generator per table, so that changing one table's settings leaves the
    others' random draws unchanged."""
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def correlated_normals(rng: np.random.Generator, n: int, k: int, rho: float) -> np.ndarray:
    """An (n, k) array of standard normals, equicorrelated with correlation ``rho`` within rows."""
    common = rng.standard_normal((n, 1))
    specific = rng.standard_normal((n, k))
    return np.sqrt(rho) * common + np.sqrt(1.0 - rho) * specific
