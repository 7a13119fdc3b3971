"""The analysis plan: the demo plan loads; a broken plan is refused with one line per problem that
names the file, the key path and what is expected, and `evaluation run` exits 3 without a traceback."""

import dataclasses
import time
import typing
from pathlib import Path

import pytest

from evaluation.cli import main
from evaluation.config.options import ATTRITION_BOUNDARIES, COMPARISONS, ON_QUARANTINE, SOURCES, SUBGROUPS
from evaluation.config.plan import (
    EXPECTED,
    ExamOutcomeDocument,
    KnowledgeTestOutcomeDocument,
    Plan,
    PlanDocument,
    SurveyOutcomeDocument,
    load_plan,
)
from evaluation.errors import EXIT_BAD_PLAN, PlanError
from evaluation.resources import DEMO_PLAN

GOOD = """
programme: Test programme
period: 2022-2023
data: data
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
"""
THREE_OUTCOMES = """programme: Test programme
period: 2022-2023
data: data
outcomes:
  - {id: mathematics, source: exam, subject: mathematics, domain: academic}
  - {id: science, source: exam, subject: science, domain: academic}
  - {id: belonging, source: survey, instrument: student_climate, scale: belonging, domain: wellbeing}
"""
EXAMPLE = "{id: mathematics, source: exam, subject: mathematics, domain: academic}"
PLAN_KEYS = (
    "programme, period, language, data, demo, alpha, min_cell_size, outcomes, subgroups, on_quarantine, "
    "primary_method, covariates, multiplicity_families, comparison, missing_data_threshold, attrition_boundary, "
    "pseudonymize, earlier_years, translations, school_pages, scheduler"
)

DEMO_MUST_BE = (
    "demo must be true or false, or the name of a demo programme: national, partnership, consortium, etwinning, "
    "sister_schools (true is national), found "
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> tuple[Path, str]:
    """The plan file and the PlanError's message."""
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert raised.value.exit_code == EXIT_BAD_PLAN
    assert "Traceback" not in str(raised.value) and "pydantic" not in str(raised.value)
    return path, str(raised.value)


def test_demo_plan_loads_with_its_outcomes():
    plan = load_plan(DEMO_PLAN)
    assert plan.demo is True and plan.language == "en" and plan.min_cell_size == 10
    assert [o.id for o in plan.outcomes][:4] == ["mathematics", "science", "turkish", "english"]
    assert plan.outcomes[4] == dataclasses.replace(
        plan.outcomes[4], source="survey", instrument="student_climate", scale="belonging", subject=None
    )
    assert plan.subgroups == ("grade", "sex", "resource_level")
    assert plan.data_dir == DEMO_PLAN.parent / "data/2022-2023"  # the run takes it from its output folder
    assert len(plan.hash) == 12


def test_defaults_and_hash_change_with_the_text(tmp_path):
    plan = load_plan(write(tmp_path, GOOD))
    assert (plan.alpha, plan.min_cell_size, plan.subgroups, plan.demo) == (0.05, 10, (), False)
    assert (plan.language, plan.on_quarantine, plan.primary_method) == ("en", "stop", "ancova_cr2")
    other = load_plan(write(tmp_path, GOOD + "alpha: 0.01\n"))
    assert other.hash != plan.hash and other.alpha == 0.01
    assert plan.attrition_boundary == "cautious"
    assert load_plan(write(tmp_path, GOOD + "attrition_boundary: optimistic\n")).attrition_boundary == "optimistic"


def test_the_plan_is_a_frozen_record_that_tests_can_vary(tmp_path):
    plan = load_plan(write(tmp_path, GOOD))
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.language = "tr"  # type: ignore[misc]
    assert Plan(**{**plan.__dict__, "language": "tr"}).language == "tr"
    assert dataclasses.replace(plan, min_cell_size=5).min_cell_size == 5


def test_values_of_the_right_types_are_read(tmp_path):
    plan = load_plan(
        write(
            tmp_path,
            GOOD + "demo: true\nalpha: 1e-2\nmin_cell_size: 5\nsubgroups: [grade, sex]\n"
            "language: tr\nprimary_method: null\nmissing_data_threshold: 0\n",
        )
    )
    assert (plan.demo, plan.alpha, plan.min_cell_size, plan.subgroups) == (True, 0.01, 5, ("grade", "sex"))
    assert (plan.language, plan.primary_method, plan.missing_data_threshold) == ("tr", "ancova_cr2", 0.0)
    assert isinstance(plan.missing_data_threshold, float) and isinstance(plan.alpha, float)
    assert load_plan(write(tmp_path, GOOD + "alpha: 0.1\nsubgroups: []\n")).subgroups == ()


def test_a_whole_number_is_text_for_programme_period_and_data(tmp_path):
    plan = load_plan(
        write(
            tmp_path,
            "programme: 2023\nperiod: 2023\ndata: 2023\noutcomes:\n"
            "  - {id: mathematics, source: exam, subject: mathematics, domain: academic}\n",
        )
    )
    assert (plan.programme, plan.period, plan.data_dir) == ("2023", "2023", (tmp_path / "2023").resolve())


# --- the defects of issue 10, each with its exact message ---------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'demo: "no"',
            DEMO_MUST_BE + "'no'",
        ),
        (
            "demo: 'false'",
            DEMO_MUST_BE + "'false'",
        ),
        (
            "demo: no",
            DEMO_MUST_BE + "'no'",
        ),  # YAML 1.1's boolean no is text here
        ("min_cell_size: true", "min_cell_size must be a whole number of at least 1, found true"),
        ("min_cell_size: yes", "min_cell_size must be a whole number of at least 1, found 'yes'"),
        ("subgroups: grade", "subgroups must be a list such as [grade, sex] (or [] for none), found 'grade'"),
        ("subgroups: 5", "subgroups must be a list such as [grade, sex] (or [] for none), found 5"),
        ("1: x", f"1 is not a key of the analysis plan (its keys are {PLAN_KEYS})"),
    ],
)
def test_defects_of_the_hand_written_reader_are_refused(tmp_path, line, message):
    path, text = refused(tmp_path, GOOD + line + "\n")
    assert text == f"{path}: {message}"


def test_an_integer_id_or_key_in_an_outcome_is_refused(tmp_path):
    path, text = refused(tmp_path, GOOD + "  - {id: 3, source: exam, subject: science, domain: academic}\n")
    assert text == f"{path}: outcomes[1].id must be text naming the outcome, such as mathematics, found 3"
    path, text = refused(tmp_path, GOOD + "  - {1: x, id: science, source: exam, subject: science, domain: academic}\n")
    assert text == (
        f"{path}: outcomes[1].1 (outcome science) is not a key of an exam outcome "
        "(its keys are id, source, domain, subject, confirmatory, equated, yearly_growth)"
    )


def test_an_alias_bomb_in_programme_is_refused_at_once(tmp_path):
    levels = ["&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = GOOD.replace("programme: Test programme", "programme: [" + ", ".join(levels) + "]")
    started = time.perf_counter()
    path, text = refused(tmp_path, bomb)
    assert time.perf_counter() - started < 1
    assert text == (
        f"{path}: line 2: anchors (&name) and aliases (*name) are not allowed in the analysis plan; "
        "write each value out in full"
    )


@pytest.mark.parametrize(
    ("arguments", "line", "message"),
    [
        (
            ["run"],
            'demo: "no"',
            DEMO_MUST_BE + "'no'",
        ),
        (["run"], "min_cell_size: true", "min_cell_size must be a whole number of at least 1, found true"),
        (["run"], "subgroups: grade", "subgroups must be a list such as [grade, sex] (or [] for none), found 'grade'"),
        (["run"], "1: x", f"1 is not a key of the analysis plan (its keys are {PLAN_KEYS})"),
    ],
)
def test_evaluation_run_prints_the_problem_and_exits_3(tmp_path, capsys, arguments, line, message):
    path = write(tmp_path, GOOD + line + "\n")
    code = main([*arguments, str(path), "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_PLAN == 3
    assert err == f"evaluation run: {path}: {message}\n"
    assert "Traceback" not in out + err
    assert not (tmp_path / "out").exists()


def test_evaluation_run_lists_every_problem_on_its_own_line(tmp_path, capsys):
    path = write(tmp_path, GOOD + 'demo: "no"\nsubgroups: grade\ncolour: blue\n')
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == EXIT_BAD_PLAN
    assert capsys.readouterr().err.splitlines() == [
        f"evaluation run: {path}: subgroups must be a list such as [grade, sex] (or [] for none), found 'grade'",
        f"{path}: colour is not a key of the analysis plan (its keys are {PLAN_KEYS})",
        f"{path}: demo must be true or false, or the name of a demo programme: national, partnership, consortium, "
        "etwinning, sister_schools (true is national), found 'no'",
    ]


# --- every key, with a value of the wrong type --------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "programme: Test programme",
            "programme: [a, b]",
            "programme must be text naming the programme, such as School Partnership Programme, found [a, b]",
        ),
        (
            "programme: Test programme",
            "programme: '  '",
            "programme must be text naming the programme, such as School Partnership Programme, found '  '",
        ),
        (
            "period: 2022-2023",
            "period: 2022.5",
            "period must be text naming the period the data covers, such as 2022-2023, found 2022.5",
        ),
        (
            "period: 2022-2023",
            "period: true",
            "period must be text naming the period the data covers, such as 2022-2023, found true",
        ),
        (
            "period: 2022-2023",
            "period:",
            "period must be text naming the period the data covers, such as 2022-2023, found an empty value",
        ),
        (
            "data: data",
            "data: {path: data}",
            "data must be text: the data directory, relative to the plan's folder, such as ../data/2022-2023, "
            "found {path: data}",
        ),
        (
            "outcomes:\n  - " + EXAMPLE,
            f"outcomes: {EXAMPLE}",
            f"outcomes must be a list of at least one outcome, such as [{EXAMPLE}], found {EXAMPLE}",
        ),
        (
            "outcomes:\n  - " + EXAMPLE,
            "outcomes: []",
            f"outcomes must be a list of at least one outcome, such as [{EXAMPLE}], found []",
        ),
        (
            "outcomes:\n  - " + EXAMPLE,
            "outcomes:\n  - mathematics",
            f"outcomes[0] must be a mapping such as {EXAMPLE}, found 'mathematics'",
        ),
    ],
)
def test_required_keys_of_the_wrong_type(tmp_path, old, new, message):
    assert old in GOOD
    path, text = refused(tmp_path, GOOD.replace(old, new))
    assert text == f"{path}: {message}"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("language: 1", "language must be one of en, tr, found 1"),
        ("language: de", "language must be one of en, tr, found 'de'"),
        (
            "demo: 1",
            DEMO_MUST_BE + "1",
        ),
        ("alpha: '0.05'", "alpha must be a number above 0 and below 0.5, such as 0.05, found '0.05'"),
        ("alpha: true", "alpha must be a number above 0 and below 0.5, such as 0.05, found true"),
        ("alpha: 5", "alpha must be a number above 0 and below 0.5, such as 0.05, found 5"),
        ("alpha: .nan", "alpha must be a number above 0 and below 0.5, such as 0.05, found .nan"),
        ("min_cell_size: 10.0", "min_cell_size must be a whole number of at least 1, found 10.0"),
        ("min_cell_size: '10'", "min_cell_size must be a whole number of at least 1, found '10'"),
        ("min_cell_size: 0", "min_cell_size must be a whole number of at least 1, found 0"),
        ("subgroups: {grade: 1}", "subgroups must be a list such as [grade, sex] (or [] for none), found {grade: 1}"),
        ("subgroups:", "subgroups must be a list such as [grade, sex] (or [] for none), found an empty value"),
        ("subgroups: [height]", f"subgroups[0] must be one of {', '.join(SUBGROUPS)}, found 'height'"),
        ("subgroups: [grade, 5]", f"subgroups[1] must be one of {', '.join(SUBGROUPS)}, found 5"),
        ("subgroups: [grade, sex, grade]", "subgroups[2] lists grade a second time; name each subgroup once"),
        (
            "on_quarantine: true",
            "on_quarantine must be stop (quarantined rows stop the run) or continue (analyse the "
            "accepted rows and report the others), found true",
        ),
        (
            "primary_method: 1",
            "primary_method must be one of ancova_cr1, ancova_cr2, mixed_reml, did (or left out: ancova_cr2), found 1",
        ),
        (
            "comparison: [fixed]",
            "comparison must be fixed (the control schools are the comparison group) or matched "
            "(match each partner school to a control school of the pool), found [fixed]",
        ),
        (
            "comparison: random",
            "comparison must be fixed (the control schools are the comparison group) or matched "
            "(match each partner school to a control school of the pool), found 'random'",
        ),
        (
            "missing_data_threshold: '5%'",
            "missing_data_threshold must be a share from 0 to below 1, such as 0.05 "
            "(multiple imputation when a group misses more than 5% of the post-test), "
            "found '5%'",
        ),
        (
            "missing_data_threshold: 5",
            "missing_data_threshold must be a share from 0 to below 1, such as 0.05 "
            "(multiple imputation when a group misses more than 5% of the post-test), found 5",
        ),
        (
            "missing_data_threshold: yes",
            "missing_data_threshold must be a share from 0 to below 1, such as 0.05 "
            "(multiple imputation when a group misses more than 5% of the post-test), "
            "found 'yes'",
        ),
        (
            "attrition_boundary:",
            "attrition_boundary must be cautious (the WWC's default) or optimistic (when the "
            "programme itself is unlikely to make students leave), found an empty value",
        ),
        (
            "attrition_boundary: lenient",
            "attrition_boundary must be cautious (the WWC's default) or optimistic (when "
            "the programme itself is unlikely to make students leave), found 'lenient'",
        ),
        ("colour: blue", f"colour is not a key of the analysis plan (its keys are {PLAN_KEYS})"),
        ("Alpha: 0.05", f"Alpha is not a key of the analysis plan (its keys are {PLAN_KEYS})"),
    ],
)
def test_optional_keys_of_the_wrong_type_or_unknown(tmp_path, line, message):
    path, text = refused(tmp_path, GOOD + line + "\n")
    assert text == f"{path}: {message}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "scale: belonging,",
            "scale: 5,",
            "outcomes[2].scale (outcome belonging) must be text naming a scale of the instrument, such as belonging, "
            "found 5",
        ),
        (
            "instrument: student_climate,",
            "instrument: [student_climate],",
            "outcomes[2].instrument (outcome belonging) must be the id of a survey instrument, lower-case letters, "
            "digits and _ (the name of its survey file under surveys/), such as student_climate, "
            "found [student_climate]",
        ),
        (
            "subject: science,",
            "subject: true,",
            "outcomes[1].subject (outcome science) must be text naming the subject as the exam results write it, such "
            "as "
            "mathematics, found true",
        ),
        (
            "domain: wellbeing}",
            "domain: 1}",
            "outcomes[2].domain (outcome belonging) must be text naming the outcome's domain, such as academic or "
            "wellbeing, found 1",
        ),
        (
            "source: survey,",
            "source: [survey],",
            "outcomes[2].source (outcome belonging) must be exam (a subject of the exam results), survey (a scale "
            "of a survey instrument) or test (a knowledge test of the item responses), found [survey]",
        ),
        (
            "source: survey,",
            "source: interview,",
            "outcomes[2].source (outcome belonging) must be exam (a subject of the exam results), survey (a scale "
            "of a survey instrument) or test (a knowledge test of the item responses), found 'interview'",
        ),
        (
            "source: survey, ",
            "",
            "outcomes[2].source (outcome belonging) is missing (expected exam (a subject of the exam results), "
            "survey (a scale of a survey instrument) or test (a knowledge test of the item responses))",
        ),
        (
            "subject: science, ",
            "",
            "outcomes[1].subject (outcome science) is missing (expected text naming the subject as the exam results "
            "write it, such as mathematics)",
        ),
        (
            "scale: belonging, ",
            "",
            "outcomes[2].scale (outcome belonging) is missing (expected text naming a scale of the instrument, such as "
            "belonging)",
        ),
        (
            "scale: belonging,",
            "scale: belonging, weight: 2,",
            "outcomes[2].weight (outcome belonging) is not a key of a survey outcome (its keys are id, source, domain, "
            "instrument, scale, confirmatory, yearly_growth)",
        ),
        (
            "subject: science,",
            "subject: science, scale: belonging,",
            "outcomes[1].scale (outcome science) is not a key of an exam outcome (its keys are id, source, domain, "
            "subject, confirmatory, equated, yearly_growth)",
        ),
        (
            "id: science,",
            "id: mathematics,",
            "outcomes[1].id is 'mathematics', the id of outcomes[0] too; each outcome needs its own id",
        ),
    ],
)
def test_outcomes_are_checked_by_their_source(tmp_path, old, new, message):
    assert old in THREE_OUTCOMES
    path, text = refused(tmp_path, THREE_OUTCOMES.replace(old, new, 1))
    assert text == f"{path}: {message}"


def test_a_string_where_a_list_is_expected(tmp_path):
    path, text = refused(tmp_path, GOOD.replace("outcomes:\n  - " + EXAMPLE, "outcomes: mathematics"))
    assert text == f"{path}: outcomes must be a list of at least one outcome, such as [{EXAMPLE}], found 'mathematics'"


def test_missing_keys_and_documents_that_are_no_mapping(tmp_path):
    path, text = refused(tmp_path, GOOD.replace("period: 2022-2023\n", "").replace("data: data\n", ""))
    assert text.splitlines() == [
        f"{path}: period is missing (expected text naming the period the data covers, such as 2022-2023)",
        f"{path}: data is missing (expected text: the data directory, relative to the plan's folder, such as "
        "../data/2022-2023)",
    ]
    for document, found in (("- just a list", "['just a list']"), ("", "an empty value"), ("42", "42")):
        path, text = refused(tmp_path, document)
        assert text == (
            f"{path}: the analysis plan must be a YAML mapping with programme, period, data and outcomes, found {found}"
        )


def test_many_problems_are_listed_up_to_twenty(tmp_path):
    outcomes = "".join(f"  - {{id: {i}, source: exam, subject: s, domain: d}}\n" for i in range(25))
    path, text = refused(tmp_path, "programme: p\nperiod: q\ndata: .\noutcomes:\n" + outcomes)
    lines = text.splitlines()
    assert len(lines) == 21 and lines[-1] == "... and 5 more problems"
    assert lines[19] == f"{path}: outcomes[19].id must be text naming the outcome, such as mathematics, found 19"


def test_yaml_problems_are_plan_errors(tmp_path):
    path, text = refused(tmp_path, "programme: [unclosed")
    assert text.startswith(f"{path}: not valid YAML (line 1, column 21:") and "\n" not in text
    path, text = refused(tmp_path, GOOD + "programme: again\n")
    assert text == f"{path}: line 7: the key programme is written twice in one mapping (first on line 2); keep one"
    path, text = refused(tmp_path, GOOD + "demo: !!bool yes\n")
    assert text == f"{path}: line 7: tags such as !!bool are not allowed in the analysis plan; write the plain value"


def test_missing_plan_file(tmp_path):
    with pytest.raises(PlanError) as raised:
        load_plan(tmp_path / "nowhere.yaml")
    missing = tmp_path / "nowhere.yaml"
    assert str(raised.value) == f"{missing}: cannot read the analysis plan (No such file or directory)"


def test_on_quarantine_is_stop_unless_the_plan_says_continue(tmp_path):
    base = (
        "programme: x\nperiod: 2022-2023\ndata: .\noutcomes:\n"
        "  - {id: m, source: exam, subject: mathematics, domain: academic}\n"
    )
    (tmp_path / "a.yaml").write_text(base, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(base + "on_quarantine: continue\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(base + "on_quarantine: ignore\n", encoding="utf-8")
    assert load_plan(tmp_path / "a.yaml").on_quarantine == "stop"
    assert load_plan(tmp_path / "b.yaml").on_quarantine == "continue"
    with pytest.raises(PlanError, match=r"on_quarantine must be stop .* or continue .*found 'ignore'"):
        load_plan(tmp_path / "c.yaml")


def test_comparison_and_missing_data_threshold_default_and_read(tmp_path):
    plan = load_plan(write(tmp_path, GOOD))
    assert (plan.comparison, plan.missing_data_threshold) == ("fixed", 0.05)
    other = load_plan(write(tmp_path, GOOD + "comparison: matched\nmissing_data_threshold: 0.02\n"))
    assert (other.comparison, other.missing_data_threshold) == ("matched", 0.02)


def test_every_key_of_the_schema_has_words_for_its_messages():
    paths = [(name,) for name in PlanDocument.model_fields] + [()]
    for schema in (ExamOutcomeDocument, SurveyOutcomeDocument):
        paths += [("outcomes", 0, name) for name in schema.model_fields] + [("outcomes", 0)]
    paths += [("subgroups", 0)]
    missing = [path for path in paths if EXPECTED.at(path) is None]
    assert missing == []


def test_the_schema_offers_the_options_module_words():
    assert typing.get_args(PlanDocument.model_fields["subgroups"].annotation)[0].__args__ == SUBGROUPS


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("outcomes[].source", SOURCES),
        ("on_quarantine", ON_QUARANTINE),
        ("comparison", COMPARISONS),
        ("attrition_boundary", ATTRITION_BOUNDARIES),
    ],
)
def test_the_messages_explain_every_option(key, words):
    assert all(f"{word} (" in EXPECTED.words[key] for word in words)
    schemas = (ExamOutcomeDocument, SurveyOutcomeDocument, KnowledgeTestOutcomeDocument)
    offered = {word for schema in schemas for word in typing.get_args(schema.model_fields["source"].annotation)}
    assert offered == set(SOURCES)


@pytest.mark.parametrize(("line", "key"), [("true: x", "true"), ("~: x", "null"), ("2.5: x", "2.5")])
def test_keys_that_are_no_text_are_named_as_written(tmp_path, line, key):
    path, text = refused(tmp_path, GOOD + line + "\n")
    assert text == f"{path}: {key} is not a key of the analysis plan (its keys are {PLAN_KEYS})"


# --- personal data: pseudonymisation and names that are never paths -------------------------------

PSEUDONYMIZE = (
    "pseudonymize must be true (replace student and respondent ids by keyed hashes right after reading, with "
    "the key in EVALUATION_PSEUDONYM_KEY or the key file named by EVALUATION_PSEUDONYM_KEY_FILE) or false"
)
INSTRUMENT = (
    "must be the id of a survey instrument, lower-case letters, digits and _ (the name of its survey file under "
    "surveys/), such as student_climate"
)


def test_pseudonymize_is_false_unless_the_plan_says_true(tmp_path):
    assert load_plan(write(tmp_path, GOOD)).pseudonymize is False
    assert load_plan(write(tmp_path, GOOD + "pseudonymize: true\n")).pseudonymize is True
    assert load_plan(write(tmp_path, GOOD + "pseudonymize: false\n")).pseudonymize is False


@pytest.mark.parametrize(
    ("line", "found"),
    [("pseudonymize: yes", "'yes'"), ('pseudonymize: "true"', "'true'"), ("pseudonymize: 1", "1")],
)
def test_pseudonymize_is_true_or_false_only(tmp_path, line, found):
    path, text = refused(tmp_path, GOOD + line + "\n")
    assert text == f"{path}: {PSEUDONYMIZE}, found {found}"


def test_the_key_is_never_a_plan_key(tmp_path):
    path, text = refused(tmp_path, GOOD + "pseudonym_key: 0123456789abcdef0123456789abcdef\n")
    assert text == f"{path}: pseudonym_key is not a key of the analysis plan (its keys are {PLAN_KEYS})"


@pytest.mark.parametrize(
    "instrument",
    [
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "student_climate.yaml",
        "surveys/student_climate",
        "Student_Climate",
        "student climate",
        "öğrenci_anketi",
        "",
    ],
)
def test_an_instrument_is_an_id_never_a_path(tmp_path, capsys, instrument):
    plan = THREE_OUTCOMES.replace("instrument: student_climate,", f"instrument: {instrument!r},")
    path, text = refused(tmp_path, plan)
    assert text == f"{path}: outcomes[2].instrument (outcome belonging) {INSTRUMENT}, found {instrument!r}"
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == EXIT_BAD_PLAN
    err = capsys.readouterr().err
    assert err == f"evaluation run: {text}\n"
    assert "root:" not in err  # nothing of /etc/passwd is read, let alone echoed
    assert not (tmp_path / "out").exists()


def test_instrument_ids_of_digits_and_underscores_are_ids(tmp_path):
    plan = load_plan(write(tmp_path, THREE_OUTCOMES.replace("student_climate", "climate_2023")))
    assert plan.outcomes[2].instrument == "climate_2023"


def test_evaluation_run_with_pseudonymize_and_no_key_exits_3_before_anything_is_written(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EVALUATION_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("EVALUATION_PSEUDONYM_KEY_FILE", raising=False)
    (tmp_path / "data").mkdir()
    path = write(tmp_path, GOOD + "pseudonymize: true\n")
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == EXIT_BAD_PLAN
    out, err = capsys.readouterr()
    assert err == (
        "evaluation run: pseudonymisation needs a key, and none is set: set EVALUATION_PSEUDONYM_KEY to a key of "
        "at least 32 bytes, or EVALUATION_PSEUDONYM_KEY_FILE to the path of a file holding one (outside any git "
        'repository and the data folder); python -c "import secrets; print(secrets.token_hex(32))" makes a key\n'
    )
    assert out == "" and not (tmp_path / "out").exists()


def test_evaluation_run_refuses_a_key_file_in_the_data_or_output_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EVALUATION_PSEUDONYM_KEY", raising=False)
    data, out = tmp_path / "data", tmp_path / "out"
    path = write(tmp_path, GOOD + "pseudonymize: true\n")
    for folder, name in ((data, "the data folder"), (out, "the output folder")):
        folder.mkdir()
        (folder / "pseudonym.key").write_text("k" * 40, encoding="utf-8")
        monkeypatch.setenv("EVALUATION_PSEUDONYM_KEY_FILE", str(folder / "pseudonym.key"))
        assert main(["run", str(path), "--out", str(out)]) == EXIT_BAD_PLAN
        err = capsys.readouterr().err
        assert err.startswith(
            f"evaluation run: EVALUATION_PSEUDONYM_KEY_FILE names a key file inside {name} {folder}, where it"
        )
        assert "k" * 40 not in err
        written = sorted(p.name for p in out.iterdir()) if out.exists() else None
        assert written == (["pseudonym.key"] if folder == out else None)  # nothing was written
        (folder / "pseudonym.key").unlink()


# --- the plan's statistical choices: primary method, covariates, confirmatory outcomes, families ---


def test_covariates_confirmatory_equated_and_families_default(tmp_path):
    plan = load_plan(write(tmp_path, THREE_OUTCOMES))
    assert plan.primary_method == "ancova_cr2"
    assert plan.covariates == () and plan.multiplicity_families is None
    assert [(o.confirmatory, o.equated) for o in plan.outcomes] == [(True, False)] * 3
    # one family per domain of the confirmatory outcomes, in the order the outcomes are listed
    assert plan.families == {"academic": ("mathematics", "science"), "wellbeing": ("belonging",)}


def test_covariates_confirmatory_equated_and_families_as_written(tmp_path):
    text = (
        THREE_OUTCOMES.replace(
            "domain: academic}\n  - {id: science", "domain: academic, equated: true}\n  - {id: science"
        )
        .replace("domain: wellbeing}", "domain: wellbeing, confirmatory: false}")
        .replace("subject: science, domain: academic}", "subject: science, domain: academic, confirmatory: true}")
    )
    plan = load_plan(
        write(tmp_path, text + "covariates: [sex, school_type, school_size]\nprimary_method: mixed_reml\n")
    )
    assert plan.covariates == ("sex", "school_type", "school_size") and plan.primary_method == "mixed_reml"
    assert [(o.id, o.confirmatory, o.equated) for o in plan.outcomes] == [
        ("mathematics", True, True),
        ("science", True, False),
        ("belonging", False, False),
    ]
    assert plan.families == {"academic": ("mathematics", "science")}  # the exploratory outcome is in none
    assert load_plan(write(tmp_path, THREE_OUTCOMES + "covariates: auto\n")).covariates == "auto"
    assert load_plan(write(tmp_path, THREE_OUTCOMES + "covariates: []\n")).covariates == ()
    families = "multiplicity_families:\n  exams: [science]\n  maths_and_belonging: [mathematics, belonging]\n"
    plan = load_plan(write(tmp_path, THREE_OUTCOMES + families))
    assert plan.families == {"exams": ("science",), "maths_and_belonging": ("mathematics", "belonging")}


COVARIATE_WORDS = (
    "auto (the baseline characteristics whose normalised difference in the balance table exceeds 0.25) "
    "or a list such as [sex, school_type] (or [] for none)"
)
COVARIATE_NAMES = "sex, grade, special_needs, migrant_refugee, school_type, resource_level, school_size"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("covariates: sex", f"covariates must be {COVARIATE_WORDS}, found 'sex'"),
        ("covariates: Auto", f"covariates must be {COVARIATE_WORDS}, found 'Auto'"),
        ("covariates: true", f"covariates must be {COVARIATE_WORDS}, found true"),
        ("covariates:", f"covariates must be {COVARIATE_WORDS}, found an empty value"),
        ("covariates: {sex: 1}", f"covariates must be {COVARIATE_WORDS}, found {{sex: 1}}"),
        ("covariates: [sex, height]", f"covariates[1] must be one of {COVARIATE_NAMES}, found 'height'"),
        ("covariates: [auto]", f"covariates[0] must be one of {COVARIATE_NAMES}, found 'auto'"),
        ("covariates: [3]", f"covariates[0] must be one of {COVARIATE_NAMES}, found 3"),
        ("covariates: [sex, grade, sex]", "covariates[2] lists sex a second time; name each covariate once"),
        (
            "multiplicity_families: [mathematics, science]",
            "multiplicity_families must be a mapping of family names to lists of outcome ids, such as "
            "{academic: [mathematics, science]}, found [mathematics, science]",
        ),
        (
            "multiplicity_families: {academic: mathematics, wellbeing: [belonging], x: [science]}",
            "multiplicity_families.academic must be a list of at least one outcome id, such as "
            "[mathematics, science], found 'mathematics'",
        ),
        (
            "multiplicity_families: {academic: [], wellbeing: [belonging, mathematics, science]}",
            "multiplicity_families.academic must be a list of at least one outcome id, such as "
            "[mathematics, science], found []",
        ),
        (
            "multiplicity_families: {1: [mathematics, science, belonging]}",
            "multiplicity_families[1]: the key must be text naming the family, such as academic, found 1",
        ),
        (
            "multiplicity_families: {all: [mathematics, science, belonging, 5]}",
            "multiplicity_families.all[3] must be text: the id of a confirmatory outcome of the plan, such as "
            "mathematics, found 5",
        ),
        (
            "multiplicity_families: {all: [mathematics, science, belonging, physics]}",
            "multiplicity_families.all[3] names 'physics', which is not an outcome of the plan (its outcomes are "
            "mathematics, science, belonging)",
        ),
        (
            "multiplicity_families: {exams: [mathematics, science], other: [belonging, science]}",
            "multiplicity_families.other[1] names science a second time (it is in multiplicity_families.exams "
            "too); each outcome belongs to one family",
        ),
        (
            "multiplicity_families: {exams: [mathematics, science]}",
            "multiplicity_families leaves out the confirmatory outcome belonging; put each confirmatory outcome in "
            "one family, or mark it confirmatory: false",
        ),
        (
            "multiplicity_families: {}",
            "multiplicity_families leaves out the confirmatory outcomes mathematics, science, belonging; put each "
            "confirmatory outcome in one family, or mark it confirmatory: false",
        ),
    ],
)
def test_covariates_and_families_of_the_wrong_kind(tmp_path, lines, message):
    path, text = refused(tmp_path, THREE_OUTCOMES + lines + "\n")
    assert text == f"{path}: {message}"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "domain: academic}\n  - {id: science",
            "domain: academic, confirmatory: no}\n  - {id: science",
            "outcomes[0].confirmatory (outcome mathematics) must be true (a confirmatory outcome: its headline "
            "p-value is adjusted within its multiplicity family) or false (exploratory), found 'no'",
        ),
        (
            "domain: academic}\n  - {id: science",
            "domain: academic, equated: 1}\n  - {id: science",
            "outcomes[0].equated (outcome mathematics) must be true (the November and April exams were equated: put "
            "on one scale) or false, found 1",
        ),
        (
            "domain: wellbeing}",
            "domain: wellbeing, equated: true}",
            "outcomes[2].equated (outcome belonging) is not a key of a survey outcome (its keys are id, source, "
            "domain, instrument, scale, confirmatory, yearly_growth)",
        ),
    ],
)
def test_confirmatory_and_equated_are_true_or_false_and_equated_is_for_exams(tmp_path, old, new, message):
    assert old in THREE_OUTCOMES
    path, text = refused(tmp_path, THREE_OUTCOMES.replace(old, new))
    assert text == f"{path}: {message}"


def test_an_exploratory_outcome_is_in_no_family(tmp_path):
    text = THREE_OUTCOMES.replace("domain: wellbeing}", "domain: wellbeing, confirmatory: false}")
    path, message = refused(tmp_path, text + "multiplicity_families: {all: [mathematics, science, belonging]}\n")
    assert message == (
        f"{path}: multiplicity_families.all[2] names belonging, an outcome with confirmatory: false; a family holds "
        "confirmatory outcomes only (leave it out of the families, or make it confirmatory)"
    )


def test_every_problem_of_the_new_keys_is_listed_with_the_others(tmp_path):
    path, text = refused(tmp_path, THREE_OUTCOMES + "alpha: 2\ncovariates: [height]\n")
    assert text.splitlines() == [
        f"{path}: alpha must be a number above 0 and below 0.5, such as 0.05, found 2",
        f"{path}: covariates[0] must be one of {COVARIATE_NAMES}, found 'height'",
    ]


@pytest.mark.parametrize(
    ("written", "demo", "scenario"),
    [("false", False, ""), ("true", True, "national"), ("partnership", True, "partnership")],
)
def test_demo_names_the_synthetic_programme(tmp_path, written, demo, scenario):
    plan = load_plan(write(tmp_path, GOOD + f"demo: {written}\n"))
    assert (plan.demo, plan.demo_scenario) == (demo, scenario)


# --- yearly_growth: an outcome's typical growth in a school year, for the summary's months of learning ---


def test_yearly_growth_is_read_as_a_number_and_is_optional(tmp_path):
    text = THREE_OUTCOMES.replace(
        "subject: mathematics, domain: academic}", "subject: mathematics, domain: academic, yearly_growth: 8}"
    ).replace("domain: wellbeing}", "domain: wellbeing, yearly_growth: 0.25}")
    plan = load_plan(write(tmp_path, text))
    assert [o.yearly_growth for o in plan.outcomes] == [8.0, None, 0.25]


@pytest.mark.parametrize("value", ["0", "-3", "'8'", "true", "[8]"])
def test_yearly_growth_must_be_a_number_above_zero(tmp_path, value):
    text = THREE_OUTCOMES.replace(
        "subject: mathematics, domain: academic}", f"subject: mathematics, domain: academic, yearly_growth: {value}}}"
    )
    path, message = refused(tmp_path, text)
    assert message.startswith(f"{path}: outcomes[0].yearly_growth (outcome mathematics) must be a number above 0")
