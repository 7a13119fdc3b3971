"""Settings of the demo generator, including the true effects the analyses should recover."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

SCHOOL_TYPES = ("science_high_school", "anatolian_high_school", "social_sciences_high_school")
RESOURCE_LEVELS = ("low", "medium", "high")

# Outcome ids of the bundled analysis plan (pipelines/demo.yaml) for each survey scale.
SURVEY_OUTCOME_IDS: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("student_climate", "belonging"): "belonging",
        ("student_climate", "peer_collaboration"): "peer_collaboration",
        ("teacher_collaboration", "collaboration"): "teacher_collaboration",
    }
)


@dataclass(frozen=True)
class KnowledgeTest:
    """A knowledge test scored item by item (right 1, wrong or blank 0), taken before and after
    the year by the students of every school: its item_responses rows
    (`evaluation.demo.items.build_knowledge_test`).

    A student's ability is ``school + N(0, ability_sd)`` on the logit scale, plus ``growth +
    partner_effect * partner`` after; item j is right with probability
    ``logistic(discrimination_j * (ability - difficulty_j))`` (a two-parameter logistic model),
    difficulties drawn from N(difficulty_mean, difficulty_sd) and discriminations from
    U(0.8, 2.0) once per test, the same items in both waves.
    """

    test_id: str = "ethical_consumption"
    n_items: int = 15
    difficulty_mean: float = -0.3
    difficulty_sd: float = 0.9
    ability_sd: float = 1.0
    school_sd: float = 0.3
    growth: float = 0.3
    partner_effect: float = 0.3
    response_rate: float = 0.9

    def __post_init__(self) -> None:
        if not 2 <= self.n_items <= 99:
            raise ValueError("KnowledgeTest: n_items must be from 2 to 99")
        if not 0 < self.response_rate <= 1:
            raise ValueError("KnowledgeTest: response_rate must lie in (0, 1]")


#: The 15 joint activities of the seed partnership's plan (001: "Yapılacak ortak çalışmalar",
#: 2022-2023), as (activity_type, planned_month); `evaluation.demo.activities` knows each type.
SEED_ACTIVITY_CALENDAR: tuple[tuple[str, str], ...] = (
    ("website_sharing", "2022-08"), ("online_meeting", "2022-09"), ("coordination", "2022-09"),
    ("teacher_meeting", "2022-09"), ("school_visit", "2022-09"), ("remedial_course", "2022-10"),
    ("mock_exam", "2022-10"), ("joint_exam", "2022-11"), ("ip_registration", "2022-12"),
    ("material_support", "2023-01"), ("career_guidance", "2023-02"), ("social_responsibility", "2023-03"),
    ("joint_exam", "2023-04"), ("school_visit", "2023-05"), ("monitoring_report", "2023-07"),
)  # fmt: skip


def _frozen(mapping: Mapping) -> Mapping:
    """Read-only copy of a (possibly nested) mapping."""
    return MappingProxyType(
        {key: _frozen(value) if isinstance(value, Mapping) else value for key, value in mapping.items()}
    )


def _mapping(**values: object):
    return field(default_factory=lambda: _frozen(values))


@dataclass(frozen=True)
class DemoParameters:
    """Every setting of the synthetic demo programme (school year 2022-2023).

    The defaults give about 28 schools and 3,800 students. Mappings are read-only; change a
    setting with ``dataclasses.replace(DemoParameters(), partner_effect={...})``.

    Parameters
    ----------
    scale : int
        Number of copies of the whole school design (partnerships plus their control schools):
        ``scale=2`` doubles the schools and students. With ``students_per_grade`` it sizes
        benchmark data (e.g. ``scale=265`` gives about one million students).
    partnership_sizes : tuple of int
        Schools in each partnership of one copy, 2 or 3 each (default 2, 3, 2, 2, 3, 2: six
        partnerships, 14 partner schools). The schools of a partnership come from different
        provinces and have different resource levels. The first partnership of the first copy is
        the seed plan's pair, Malatya Erman Ilıcak Fen Lisesi and Kayseri Bünyan Fen Lisesi.
    partnership_types : tuple of str
        School type shared by the schools of each partnership (same length as the sizes).
    seed_partnership : bool
        Whether the first partnership of the first copy is the seed plan's pair (two science high
        schools, Malatya "high" and Kayseri "low" resources) instead of a drawn one (True).
    provinces : tuple of str or None
        Provinces partners are drawn from; None means every province of
        ``evaluation.demo.names.PROVINCES``.
    controls_per_partner_school : int
        Control schools per partner school, each of the same province, school type and resource
        level as its partner school (default 1: 14 control schools).
    grades : tuple of int
        Grades of the roster (9, 10, 11).
    students_per_grade : tuple of int
        Inclusive range of the number of students per grade per school (default 40 to 50).
    share_female, share_special_needs, share_migrant_refugee : float
        Probabilities of sex ``F`` (0.5), of special needs (0.03) and of a migrant or refugee
        background (0.04); none of them affects the outcomes.
    pre_exam, post_exam : tuple of str
        (exam_id, exam_date) of the joint level-determination exams (Ortak düzey belirleme
        sınavı): ``ODBS-2022-11`` on 2022-11-16 (wave ``pre``) and ``ODBS-2023-04`` on
        2023-04-19 (wave ``post``).
    n_items : mapping of str to int
        Subjects of the exams and their item counts: mathematics 20, science 20, turkish 20,
        english 15.
    subject_mean : mapping of str to float
        Mean latent pre-test score per subject (mathematics 52, science 55, turkish 58,
        english 54), on the 0-100 score scale.
    growth : mapping of str to float
        Change from November to April shared by every student (mathematics 3, science 3,
        turkish 2, english 3 points).
    partner_effect : mapping of str to float
        TRUE EFFECT of being in a partner school on the April score, in score points (0-100):
        mathematics 4.0, science 3.0, turkish 2.0, english 0.0. Partner and control schools
        have the same baseline distribution, so this is what an ANCOVA of the post-test on the
        pre-test and group (or a difference in mean change) estimates.
    school_sd : float
        SD of the school random intercept (5.0 points), shared by both waves so that it cancels
        in post - pre; correlated across subjects like the student ability.
    control_match_correlation : float
        Correlation (0.8) of a control school's random intercepts, on the exams and on the
        surveys, with those of the partner school it is matched to: comparison schools are
        chosen for similar prior results, so the groups are balanced at baseline.
    resource_shift : mapping of str to float
        Shift of the school intercept by resource level (low -3, medium 0, high +3 points). With
        ``school_sd`` this gives a pre-test intraclass correlation of about 0.14.
    student_sd : float
        SD of the student ability (11.0 points), shared by both waves.
    subject_correlation : float
        Correlation across subjects of the student ability and of the school intercept (0.6).
    noise_sd : float
        SD of the occasion noise of each wave (7.5 points). The pre/post correlation of the
        scores is about 0.7 and their SD about 14.5.
    blank_propensity : float
        Probability (0.3) that an item a student could leave blank is left blank (see Notes).
    missing_pre, missing_post : float
        Shares of students without any pre rows (0.02) or without any post rows (0.04),
        completely at random and the same in both groups; no student misses both waves.
    survey_pre_mean : float
        Mean latent survey trait before the programme (3.2, on the 1-5 answer scale).
    survey_school_sd, survey_person_sd : float
        SDs of the school (0.15) and respondent (0.55) parts of the latent trait (total SD about
        0.57).
    survey_scale_correlation : float
        Correlation of a respondent's traits on the scales of one instrument (0.5).
    survey_change_sd : float
        SD of the individual change from pre to post (0.3).
    survey_item_sd : float
        SD of the item-specific noise added to the latent trait before rounding (0.5).
    survey_growth : float
        Change of every respondent's trait from pre to post (0.05).
    survey_partner_effect : mapping of str to mapping of str to float
        TRUE EFFECT on the scale mean (1-5 points after reverse scoring), by instrument and
        scale: student_climate belonging 0.20 and peer_collaboration 0.30,
        teacher_collaboration collaboration 0.35; scales not listed have no effect.
    instruments : tuple of str
        Instrument ids (files under ``evaluation.resources.INSTRUMENTS_DIR``) to write surveys for;
        the instrument's ``role`` says whether students or teachers answer it.
    student_response_rate, teacher_response_rate : float
        Probabilities that a student (0.85) or a teacher (0.90) answers in a wave, independently
        across waves.
    teachers_per_school : tuple of int
        Inclusive range of the number of teachers surveyed per school (8 to 14).
    survey_windows : mapping of str to tuple of str
        First and last day (ISO) of each survey wave: pre 2022-11-21 to 2022-12-02, post
        2023-05-15 to 2023-05-26; answers fall on weekdays.
    activity_status : mapping of str to float
        Probabilities of the status of a planned activity (done 0.78, partial 0.10, postponed
        0.06, cancelled 0.06); joint exams are always done, visits are more often partial,
        postponed or cancelled and some monitoring reports are still planned. A done activity
        is a month or two late with probability 0.15; a postponed or cancelled one has a reason
        with probability 0.75.
    activity_calendar : tuple of (str, str)
        Every partnership's calendar: (activity_type, planned_month YYYY-MM) pairs, numbered in
        order; the types are those of `evaluation.demo.activities.ACTIVITY_TYPES`. By default
        the seed partnership's 15 activities of 2022-2023 (`SEED_ACTIVITY_CALENDAR`, 001).
    indicator_years : tuple of int
        Years of the school indicators (2022, 2023).
    indicator_base : mapping of str to float
        Expected 2022 count (or probability, for the 0/1 labels) per indicator at a
        medium-resource school; low-resource schools have 0.6 times, high 1.5 times as much.
    indicator_growth : mapping of str to float
        Expected increase from 2022 to 2023 (or probability of gaining a label) at a
        medium-resource control school.
    indicator_partner_ratio : float
        TRUE EFFECT on the indicators: partner schools' expected increase is this many times
        that of control schools (1.5).
    exam_item_responses : bool
        Write item_responses.csv with every exam answer sheet item by item (test_id the subject,
        items q01...), consistent with exam_results' correct counts (False: no file).
    knowledge_test : KnowledgeTest or None
        A knowledge test scored item by item, written to item_responses.csv too (None: none).

    Notes
    -----
    Exam scores. Each student has a latent score per subject and wave,
    ``mu + school + ability + noise`` before and ``mu + school + ability + growth +
    partner_effect * partner + noise`` after, clipped to [0, 100] (rare). It becomes an answer
    sheet of ``n`` items: with ``net = latent * n / 100``, the number of blanks is
    ``Binomial(floor(n - net), blank_propensity)``, the number of correct answers is
    ``(4 * net + n - blank) / 5`` rounded up or down at random (up with probability equal to
    its fractional part) and ``wrong = n - correct - blank``. The score is
    ``100 * (correct - wrong / 4) / n`` rounded to 2 decimals and clipped to [0, 100], so its
    expectation equals the latent score.

    Survey answers. A respondent's latent trait per scale is
    ``survey_pre_mean + school + person`` before and that plus ``survey_growth +
    survey_partner_effect * partner + change`` after. Each item's answer is
    ``floor(trait + item_noise + U(0, 1))`` clipped to [1, 5] (its expectation is linear in the
    trait); reverse-keyed items store ``6 - answer``, so the reverse-scored scale mean tracks
    the trait.
    """

    scale: int = 1
    partnership_sizes: tuple[int, ...] = (2, 3, 2, 2, 3, 2)
    partnership_types: tuple[str, ...] = (
        "science_high_school", "anatolian_high_school", "anatolian_high_school",
        "social_sciences_high_school", "anatolian_high_school", "science_high_school",
    )  # fmt: skip
    seed_partnership: bool = True
    provinces: tuple[str, ...] | None = None
    controls_per_partner_school: int = 1
    grades: tuple[int, ...] = (9, 10, 11)
    students_per_grade: tuple[int, int] = (40, 50)
    share_female: float = 0.5
    share_special_needs: float = 0.03
    share_migrant_refugee: float = 0.04
    pre_exam: tuple[str, str] = ("ODBS-2022-11", "2022-11-16")
    post_exam: tuple[str, str] = ("ODBS-2023-04", "2023-04-19")
    n_items: Mapping[str, int] = _mapping(mathematics=20, science=20, turkish=20, english=15)
    subject_mean: Mapping[str, float] = _mapping(mathematics=52.0, science=55.0, turkish=58.0, english=54.0)
    growth: Mapping[str, float] = _mapping(mathematics=3.0, science=3.0, turkish=2.0, english=3.0)
    partner_effect: Mapping[str, float] = _mapping(mathematics=4.0, science=3.0, turkish=2.0, english=0.0)
    school_sd: float = 5.0
    control_match_correlation: float = 0.8
    resource_shift: Mapping[str, float] = _mapping(low=-3.0, medium=0.0, high=3.0)
    student_sd: float = 11.0
    subject_correlation: float = 0.6
    noise_sd: float = 7.5
    blank_propensity: float = 0.3
    missing_pre: float = 0.02
    missing_post: float = 0.04
    survey_pre_mean: float = 3.2
    survey_school_sd: float = 0.15
    survey_person_sd: float = 0.55
    survey_scale_correlation: float = 0.5
    survey_change_sd: float = 0.3
    survey_item_sd: float = 0.5
    survey_growth: float = 0.05
    survey_partner_effect: Mapping[str, Mapping[str, float]] = _mapping(
        student_climate={"belonging": 0.20, "peer_collaboration": 0.30},
        teacher_collaboration={"collaboration": 0.35},
    )
    instruments: tuple[str, ...] = ("student_climate", "teacher_collaboration")
    student_response_rate: float = 0.85
    teacher_response_rate: float = 0.90
    teachers_per_school: tuple[int, int] = (8, 14)
    survey_windows: Mapping[str, tuple[str, str]] = _mapping(
        pre=("2022-11-21", "2022-12-02"),
        post=("2023-05-15", "2023-05-26"),
    )
    activity_status: Mapping[str, float] = _mapping(done=0.78, partial=0.10, postponed=0.06, cancelled=0.06)
    activity_calendar: tuple[tuple[str, str], ...] = SEED_ACTIVITY_CALENDAR
    indicator_years: tuple[int, int] = (2022, 2023)
    indicator_base: Mapping[str, float] = _mapping(
        europass_mobility=2.0,
        language_certificate=3.0,
        digital_competence_certificate=4.0,
        etwinning_project=1.5,
        etwinning_school_label=0.2,
        makerspace_lab=0.3,
    )
    indicator_growth: Mapping[str, float] = _mapping(
        europass_mobility=1.0,
        language_certificate=1.0,
        digital_competence_certificate=2.0,
        etwinning_project=1.0,
        etwinning_school_label=0.1,
        makerspace_lab=0.1,
    )
    indicator_partner_ratio: float = 1.5
    exam_item_responses: bool = False
    knowledge_test: KnowledgeTest | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
                object.__setattr__(self, item.name, _frozen(value))
        self._check()

    def _check(self) -> None:
        """Raise ValueError for settings the generator cannot honour."""
        problems = []
        if self.scale < 1:
            problems.append("scale must be at least 1")
        if len(self.partnership_sizes) != len(self.partnership_types):
            problems.append("partnership_sizes and partnership_types differ in length")
        if any(not 2 <= size <= len(RESOURCE_LEVELS) for size in self.partnership_sizes):
            problems.append("every partnership needs 2 or 3 schools (one per resource level)")
        if any(kind not in SCHOOL_TYPES for kind in self.partnership_types):
            problems.append(f"partnership_types must be among {SCHOOL_TYPES}")
        if self.students_per_grade[0] < 1 or self.students_per_grade[0] > self.students_per_grade[1]:
            problems.append("students_per_grade must be a range of positive integers")
        if not 0 <= self.control_match_correlation <= 1:
            problems.append("control_match_correlation must lie in [0, 1]")
        if self.missing_pre + self.missing_post > 1:
            problems.append("missing_pre + missing_post cannot exceed 1")
        subjects = set(self.n_items)
        per_subject = (self.subject_mean, self.growth, self.partner_effect)
        if not subjects or any(set(mapping) != subjects for mapping in per_subject):
            problems.append("n_items, subject_mean, growth and partner_effect must name the same subjects")
        if round(sum(self.activity_status.values()), 9) != 1:
            problems.append("activity_status probabilities must sum to 1")
        if not self.activity_calendar or any(
            len(entry) != 2 or len(str(entry[1])) != 7 or str(entry[1])[4] != "-" for entry in self.activity_calendar
        ):
            problems.append("activity_calendar must be (activity_type, YYYY-MM) pairs")
        if set(self.indicator_growth) != set(self.indicator_base) or len(self.indicator_years) != 2:
            problems.append("indicator_base and indicator_growth must name the same indicators, for two years")
        if problems:
            raise ValueError("DemoParameters: " + "; ".join(problems))

    def true_effects(self) -> dict[str, float]:
        """True partner effects keyed by the outcome ids of the bundled analysis plan.

        Returns
        -------
        dict of str to float
            Exam subjects in score points (e.g. ``mathematics``: 4.0) and survey scales in
            scale-mean points (``belonging``, ``peer_collaboration``,
            ``teacher_collaboration``); a survey scale outside the plan is keyed
            ``"<instrument>.<scale>"``.
        """
        effects = {subject: float(value) for subject, value in self.partner_effect.items()}
        for instrument, scales in self.survey_partner_effect.items():
            for scale_id, value in scales.items():
                key = SURVEY_OUTCOME_IDS.get((instrument, scale_id), f"{instrument}.{scale_id}")
                effects[key] = float(value)
        return effects
