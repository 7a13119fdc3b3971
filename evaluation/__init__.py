"""Evaluation workbench for school partnership programmes.

The public surface, for a script or a notebook (each name is imported when first used, so that
``import evaluation`` stays cheap)::

    import evaluation

    plan = evaluation.load_plan("pipelines/demo.yaml")        # checked analysis plan
    report = evaluation.validate_data_dir("data/2022-2023")   # every table against its contract
    out = evaluation.run_plan("pipelines/demo.yaml")          # validation, analyses and report
    run = evaluation.setup("pipelines/demo.yaml", "build/demo")   # a notebook's shared set-up

The stages, one folder each, are listed in the README's layout table.
"""

from __future__ import annotations

from importlib import import_module

from evaluation.resources import package_version

__version__ = package_version()

#: Public name -> the module that defines it.
_PUBLIC = {
    "load_plan": "evaluation.config.plan",
    "validate_data_dir": "evaluation.validation.validate",
    "run_plan": "evaluation.pipeline",
    "setup": "evaluation.steps.context",
    "write_demo_data": "evaluation.demo",
    "EvaluationError": "evaluation.errors",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'evaluation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
