"""The choices the analysis plan and the instrument definitions offer, as `Literal` types.

One place for each set of allowed words (as pyfixest keeps its option types in one module): the
schemas (`evaluation.config.plan`, `evaluation.config.instruments`) check against the `Literal`
types, and the tuples beside them (``SOURCES``, ``SUBGROUPS``, ...) are the same words in order,
for code and messages that list them.
"""

from __future__ import annotations

from typing import Literal, get_args

from evaluation.wording import LANGUAGES as CATALOGUE_LANGUAGES

#: Languages of the report, the fix lists and the instruments' texts: those the wording catalogue
#: has a file for (`evaluation.wording.LANGUAGES`), so a third language is one more catalogue.
Language = Literal[CATALOGUE_LANGUAGES]  # type: ignore[valid-type]
#: Where an outcome's values come from: the exam results table, a survey export, or the item
#: responses of a knowledge test (the percentage of its items right).
Source = Literal["exam", "survey", "test"]
#: What a run does with quarantined rows: stop, or analyse the accepted rows and report the rest.
OnQuarantine = Literal["stop", "continue"]
#: The partner-versus-control method the report headlines (left out: ancova_cr2, at any number
#: of schools).
PrimaryMethod = Literal["ancova_cr1", "ancova_cr2", "mixed_reml", "did"]
#: fixed: the control schools are the comparison group; matched: a pool to match partners from.
Comparison = Literal["fixed", "matched"]
#: The WWC attrition boundary table (`evaluation.evidence.attrition_boundary`).
AttritionBoundary = Literal["cautious", "optimistic"]
#: Characteristics of students or schools the analyses are repeated within.
Subgroup = Literal["grade", "sex", "special_needs", "migrant_refugee", "school_type", "resource_level"]
#: Characteristics of students (sex, grade, special_needs, migrant_refugee: the students roster;
#: grade also from the exam results) and of schools (school_type, resource_level: the schools
#: table; school_size: the school's students on the roster, else with exam results) that the plan
#: may add to every partner-versus-control model (`evaluation.analysis.covariates`).
Covariate = Literal[
    "sex", "grade", "special_needs", "migrant_refugee", "school_type", "resource_level", "school_size"
]  # fmt: skip
#: The synthetic programmes a demo plan can run on (`evaluation.demo.scenarios`), one per seed
#: document: the national School Partnership Project with control schools (000), one partnership
#: of two schools without control schools (001), an Erasmus+ consortium of mixed school types
#: (002), eTwinning Schools (003) and a pair of sister schools in two countries (004).
DemoScenario = Literal["national", "partnership", "consortium", "etwinning", "sister_schools"]
#: Who answers a survey instrument (the survey contract's `role` values).
Role = Literal["student", "teacher", "staff", "parent"]

LANGUAGES: tuple[str, ...] = get_args(Language)
SOURCES: tuple[str, ...] = get_args(Source)
ON_QUARANTINE: tuple[str, ...] = get_args(OnQuarantine)
PRIMARY_METHODS: tuple[str, ...] = get_args(PrimaryMethod)
COMPARISONS: tuple[str, ...] = get_args(Comparison)
ATTRITION_BOUNDARIES: tuple[str, ...] = get_args(AttritionBoundary)
SUBGROUPS: tuple[str, ...] = get_args(Subgroup)
COVARIATES: tuple[str, ...] = get_args(Covariate)
ROLES: tuple[str, ...] = get_args(Role)
DEMO_SCENARIOS: tuple[str, ...] = get_args(DemoScenario)
