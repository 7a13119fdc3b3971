"""The thresholds of the data-quality checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QualitySettings:
    """Thresholds of `evaluation.validation.quality.check_quality`; the defaults suit a school evaluation.

    Attributes
    ----------
    roster_not_tested_share : float
        ``roster_not_tested`` warns when more than this share of a school's roster (0.10: one
        student in ten) has no exam result in a wave the school took part in.
    low_response_ratio : float
        ``low_response`` warns when a school's respondents to a survey in one wave are fewer than
        this fraction (0.5: half) of its respondents in the other wave.
    outlier_z : float
        ``outlier`` flags a score whose modified z (Iglewicz and Hoaglin:
        ``0.6745 * (score - median) / MAD`` within the school, exam and subject) exceeds this in
        absolute value (3.5).
    outlier_min_group : int
        Groups (school x exam x subject) with fewer scores than this (10) are not checked: their
        median and MAD say too little.
    straight_lining_min_items : int
        Only scales with at least this many items (4) are checked for straight-lining.
    straight_lining_long_scale : int
        One answer to every item of a scale of at least this many items (8) is flagged whatever
        the answer; on a shorter scale only an answer that contradicts its reverse-keyed items is
        (the same middle answer, "neither agree nor disagree", to four or five questions is what an
        undecided respondent gives, and it flagged one student response in ten in the demo).
    speeding_seconds_per_item : float
        ``speeding`` warns when a response took less than this many seconds per answered item (2).
    speeding_median_fraction : float
        ``speeding`` also warns when a response took less than this fraction (1/3) of the median
        duration of the instrument's responses.
    duplicate_window_minutes : float
        ``duplicate_submission`` warns when two respondents of the same school and wave gave exactly
        the same answers and were submitted at most this many minutes apart (10).
    duplicate_min_items : int
        Responses with fewer answered items than this (4) are not compared for duplicates.
    """

    roster_not_tested_share: float = 0.10
    low_response_ratio: float = 0.5
    outlier_z: float = 3.5
    outlier_min_group: int = 10
    straight_lining_min_items: int = 4
    straight_lining_long_scale: int = 8
    speeding_seconds_per_item: float = 2.0
    speeding_median_fraction: float = 1 / 3
    duplicate_window_minutes: float = 10.0
    duplicate_min_items: int = 4

    def __post_init__(self) -> None:
        problems = []
        for name in ("roster_not_tested_share", "low_response_ratio", "speeding_median_fraction"):
            if not 0 <= getattr(self, name) <= 1:
                problems.append(f"{name} must lie in [0, 1] (found {getattr(self, name)!r})")
        for name in ("outlier_z", "speeding_seconds_per_item", "duplicate_window_minutes"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must not be negative (found {getattr(self, name)!r})")
        for name in (
            "outlier_min_group",
            "straight_lining_min_items",
            "straight_lining_long_scale",
            "duplicate_min_items",
        ):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1 (found {getattr(self, name)!r})")
        if problems:
            raise ValueError("QualitySettings: " + "; ".join(problems))
