"""Synthetic demo programme: a school partnership year (2022-2023) with known true effects.

``write_demo_data(out_dir)`` writes schools, a student roster, two joint level-determination
exams (November and April), a student and a teacher survey (November and May), the activity log
of the partnerships and school indicators, all deterministic for a given seed. The generator's
settings, including the true partner effects the analyses should recover, are the fields of
``DemoParameters``; ``TRUE_EFFECTS`` holds the defaults keyed by the outcome ids of the bundled
analysis plan (``pipelines/demo.yaml``):

=====================  ==============================  =======
outcome                scale                           effect
=====================  ==============================  =======
mathematics            exam score, 0-100               4.0
science                exam score, 0-100               3.0
turkish                exam score, 0-100               2.0
english                exam score, 0-100               0.0
belonging              student survey scale mean, 1-5  0.20
peer_collaboration     student survey scale mean, 1-5  0.30
teacher_collaboration  teacher survey scale mean, 1-5  0.35
=====================  ==============================  =======

Each effect is the expected difference partner minus control at post, adjusted for the pre-test
(partner and control schools are drawn from the same baseline distribution).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from evaluation.demo.params import DemoParameters
from evaluation.demo.writer import write_demo_data

TRUE_EFFECTS: Mapping[str, float] = MappingProxyType(DemoParameters().true_effects())

__all__ = ["TRUE_EFFECTS", "DemoParameters", "write_demo_data"]
