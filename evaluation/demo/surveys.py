"""The demo's surveys: students' school climate and teachers' professional collaboration."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.config.instruments import load_instrument as checked_instrument
from evaluation.demo.params import DemoParameters
from evaluation.demo.randomness import correlated_normals
from evaluation.demo.schools import school_intercepts
from evaluation.demo.students import Roster, pseudonymous_ids

SURVEY_ID_COLUMNS = ["respondent_id", "school_id", "role", "wave", "submitted_at"]
WAVES = ("pre", "post")


@dataclass(frozen=True)
class Respondents:
    """The people who may answer an instrument, with their school and group."""

    role: str
    ids: np.ndarray
    school_index: np.ndarray
    partner: np.ndarray
    first_minute: int  # earliest and latest minute of the day answers are submitted
    last_minute: int
    offset: np.ndarray | None = None  # added to every scale's trait in both waves (a school's standing)


@dataclass(frozen=True)
class Instrument:
    """What the generator needs of an instrument definition."""

    id: str
    role: str
    item_ids: tuple[str, ...]
    item_scales: tuple[str, ...]
    reverse: tuple[bool, ...]

    @property
    def scales(self) -> tuple[str, ...]:
        """Scale ids in order of first appearance among the items."""
        return tuple(dict.fromkeys(self.item_scales))


def load_instrument(directory: Path, instrument_id: str) -> Instrument:
    """Read and check ``<directory>/<instrument_id>.yaml`` (`evaluation.config.instruments`) and keep
    what the generator needs: the role, and each item's id, scale and keying."""
    definition = checked_instrument(directory / f"{instrument_id}.yaml")
    return Instrument(
        id=definition.id,
        role=str(definition.role),
        item_ids=tuple(item.id for item in definition.items),
        item_scales=tuple(str(item.scale) for item in definition.items),
        reverse=tuple(item.reverse for item in definition.items),
    )


def student_respondents(roster: Roster, schools: pd.DataFrame) -> Respondents:
    """Every rostered student, answering during school hours (08:40-15:30)."""
    partner = (schools["group"].to_numpy() == "partner")[roster.school_index]
    return Respondents(
        "student", roster.frame["student_id"].to_numpy(), roster.school_index, partner, 8 * 60 + 40, 15 * 60 + 30
    )


def teacher_respondents(rng: np.random.Generator, schools: pd.DataFrame, params: DemoParameters) -> Respondents:
    """A number of teachers per school (``teachers_per_school``), ids ``T00042``, answering
    between 08:00 and 21:00."""
    low, high = params.teachers_per_school
    school_index = np.repeat(np.arange(len(schools)), rng.integers(low, high + 1, size=len(schools)))
    partner = (schools["group"].to_numpy() == "partner")[school_index]
    ids = pseudonymous_ids(rng, "T", len(school_index), 5)
    return Respondents("teacher", ids, school_index, partner, 8 * 60, 21 * 60)


def school_team_respondents(schools: pd.DataFrame, offset: np.ndarray | None = None) -> Respondents:
    """One respondent per school: its team filling in a school self-assessment for the whole
    school (role ``staff``, id ``TEAM-<school_id>``), answering between 09:00 and 17:00.

    Parameters
    ----------
    schools : DataFrame
        The schools table; the team of row i answers for school i.
    offset : ndarray, optional
        Per school, a shift of every scale's trait in both waves (e.g. +0.5 for a labelled
        school); None for none.
    """
    school_ids = schools["school_id"].to_numpy()
    partner = schools["group"].to_numpy() == "partner"
    ids = np.char.add("TEAM-", school_ids.astype(str)).astype(object)
    return Respondents("staff", ids, np.arange(len(schools)), partner, 9 * 60, 17 * 60, offset)


def survey_traits(
    rng: np.random.Generator,
    respondents: Respondents,
    schools: pd.DataFrame,
    effects: np.ndarray,
    params: DemoParameters,
) -> tuple[np.ndarray, np.ndarray]:
    """Latent pre and post traits, (respondents, scales) arrays on the 1-5 answer scale."""
    n, k = len(respondents.ids), len(effects)
    rho = params.survey_scale_correlation
    school = params.survey_school_sd * school_intercepts(rng, schools, k, rho, params)
    person = params.survey_person_sd * correlated_normals(rng, n, k, rho)
    pre = params.survey_pre_mean + school[respondents.school_index] + person
    if respondents.offset is not None:
        pre = pre + respondents.offset[:, None]
    post = (
        pre
        + params.survey_growth
        + np.outer(respondents.partner, effects)
        + params.survey_change_sd * rng.standard_normal((n, k))
    )
    return pre, post


def item_answers(
    rng: np.random.Generator, traits: np.ndarray, item_scale: np.ndarray, reverse: np.ndarray, item_sd: float
) -> np.ndarray:
    """Likert answers 1-5: ``floor(trait + item noise + U(0, 1))`` clipped to [1, 5], stored as
    ``6 - answer`` for reverse-keyed items."""
    shape = (len(traits), len(item_scale))
    latent = traits[:, item_scale] + item_sd * rng.standard_normal(shape) + rng.random(shape)
    answers = np.clip(np.floor(latent), 1, 5).astype(np.int64)
    return np.where(reverse, 6 - answers, answers)


def _weekdays(window: tuple[str, str]) -> np.ndarray:
    """The weekdays from the first to the last day of a window (inclusive)."""
    days = np.arange(np.datetime64(window[0]), np.datetime64(window[1]) + 1, dtype="datetime64[D]")
    return days[np.is_busday(days)]


def submission_times(
    rng: np.random.Generator, respondents: Respondents, n_schools: int, window: tuple[str, str]
) -> np.ndarray:
    """ISO datetimes (``2022-11-21T10:32:00``). Students answer on their school's survey day or
    the next weekday; teachers on any weekday of the window."""
    days = _weekdays(window)
    n = len(respondents.ids)
    if respondents.role == "student" and len(days) > 1:
        school_day = rng.integers(0, len(days) - 1, size=n_schools)
        day = days[school_day[respondents.school_index] + rng.integers(0, 2, size=n)]
    else:
        day = days[rng.integers(0, len(days), size=n)]
    minute = rng.integers(respondents.first_minute, respondents.last_minute + 1, size=n)
    stamps = day.astype("datetime64[m]") + minute.astype("timedelta64[m]")
    return np.datetime_as_string(stamps, unit="s").astype(object)


def build_survey(
    rng: np.random.Generator,
    instrument: Instrument,
    respondents: Respondents,
    schools: pd.DataFrame,
    response_rate: float,
    params: DemoParameters,
) -> pd.DataFrame:
    """One instrument's responses: the pre wave, then the post wave.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of traits, answers, response and timing.
    instrument : Instrument
        Items (order, scale, reverse keying) of the instrument.
    respondents : Respondents
        Who may answer; each answers each wave with probability ``response_rate``,
        independently, and keeps their id across waves.
    schools : DataFrame
        The schools table (ids, count).
    response_rate : float
        Probability of answering in a wave.
    params : DemoParameters
        Trait model, true effects (``survey_partner_effect``) and survey windows.

    Returns
    -------
    DataFrame
        ``SURVEY_ID_COLUMNS`` then one integer column per item, in the instrument's order.
    """
    scales = instrument.scales
    scale_effects = params.survey_partner_effect.get(instrument.id, {})
    effects = np.array([float(scale_effects.get(scale, 0.0)) for scale in scales])
    traits = survey_traits(rng, respondents, schools, effects, params)
    item_scale = np.array([scales.index(scale) for scale in instrument.item_scales])
    reverse = np.array(instrument.reverse, dtype=bool)
    school_ids = schools["school_id"].to_numpy()
    waves = []
    for wave, wave_traits in zip(WAVES, traits, strict=True):
        answered = rng.random(len(respondents.ids)) < response_rate
        times = submission_times(rng, respondents, len(schools), params.survey_windows[wave])
        answers = item_answers(rng, wave_traits[answered], item_scale, reverse, params.survey_item_sd)
        frame = pd.DataFrame(
            {
                "respondent_id": respondents.ids[answered],
                "school_id": school_ids[respondents.school_index[answered]],
                "role": respondents.role,
                "wave": wave,
                "submitted_at": times[answered],
            }
        )
        items = pd.DataFrame(answers, columns=list(instrument.item_ids), index=frame.index)
        waves.append(pd.concat([frame, items], axis=1))
    return pd.concat(waves, ignore_index=True)
