"""Where the project's bundled files live (contracts, instruments, notebooks, demo plan)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = PROJECT_ROOT / "data_contracts"
INSTRUMENTS_DIR = CONTRACTS_DIR / "instruments"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PIPELINES_DIR = PROJECT_ROOT / "pipelines"
DEMO_PLAN = PIPELINES_DIR / "demo.yaml"
