"""Models that cannot be fitted as asked, and the note said instead of a number.

A row of a results table whose model cannot see the data it needs (a group without a post-test,
a partner indicator that the covariates reproduce) gets empty numbers and a `note`; a model that
can be fitted once a constant or collinear covariate is left out is fitted without it, as R's
``lm`` does, and its note says what was left out. A note is one or more codes ``kind`` or
``kind:detail`` joined by ``;`` (`join_notes`); each kind is a key ``notes.<kind>`` of the
wording catalogues, so the report can say it in the plan's language.

Kinds written here and by the estimators of this package:

- ``no_units:<group>``: the sample has no student (or respondent) of the group (``partner`` or
  ``control``);
- ``no_post_test:<group>``, ``no_pre_test:<group>``: none of the group's units has the test;
- ``no_linked:<group>``: the group has both tests, but no unit has both;
- ``too_few_schools``, ``too_few_students``: fewer than the model needs;
- ``dropped_constant:<column>``, ``dropped_collinear:<column>``: a covariate with one value, or
  one that the columns before it reproduce, left out of the model (the estimate is kept);
- ``collinear_treatment``: the partner indicator is constant or reproduced by the covariates, so
  its coefficient cannot be told apart from theirs;
- ``zero_std_error``: the standard error is zero up to rounding, so there is no p-value and no
  interval;
- ``constant:<column>``: the column has one value (no standard deviation to scale by);
- ``separates_groups:<column>``: within partner or within control schools the column has one
  value, so on its own it tells the groups apart.

The balance table's joint test adds ``absent:<column>`` (an optional roster column the data does
not have), ``ill_conditioned:<column>`` (a characteristic that leaves the covariance singular),
``no_characteristic`` and ``too_many_characteristics`` (`evaluation.evidence.balance`).

The moderator tests (`evaluation.stats.moderation`) add ``no_moderator_values``, ``one_level``,
``level_without_partner:<level>``, ``level_without_control:<level>`` (the subgroup cannot be
tested), ``singular_design``, ``singular_vcov`` and ``small_sample_df`` (its model or test
cannot be computed), and ``wald_f:<q>`` (the row holds a Wald F of q differences, not an
estimate with an interval).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

#: A standard error (or standard deviation) at most this share of its scale (the estimate's size,
#: or the data's) is zero up to rounding: floating-point noise of a quantity that is exactly 0
#: is of the order 1e-16 of the scale, and a standard error of real data is many orders larger.
RELATIVE_ZERO = 1e-10
#: Tolerance of R's ``lm`` (``qr(tol = 1e-07)``, LINPACK ``dqrdc2``): a column whose norm, after
#: the columns before it are projected out, falls below this share of its own norm is aliased.
ALIAS_TOLERANCE = 1e-7
GROUP_NAMES = {1: "partner", 0: "control"}
#: The kinds of note this module's helpers and the estimators of `evaluation.stats` write; each is
#: a key ``notes.<kind>`` of the wording catalogues (tests/wording checks it).
NOTE_KINDS = (
    "no_units", "no_post_test", "no_pre_test", "no_linked", "too_few_schools", "too_few_students",
    "dropped_constant", "dropped_collinear", "collinear_treatment", "zero_std_error", "constant", "separates_groups",
    # and those of the balance table's joint test (evaluation.evidence.balance)
    "absent", "ill_conditioned", "no_characteristic", "too_many_characteristics",
    # and those of the moderator tests (evaluation.stats.moderation)
    "no_moderator_values", "one_level", "level_without_partner", "level_without_control", "singular_design",
    "singular_vcov", "small_sample_df", "wald_f",
)  # fmt: skip
#: Notes that say nothing of the values of a suppressed cell (only that a group or test is absent,
#: or that there are too few units), so they stay on a row whose numbers are blanked.
COUNT_KINDS = frozenset({
    "no_units", "no_post_test", "no_pre_test", "no_linked", "too_few_schools", "too_few_students",
    "no_moderator_values", "one_level", "level_without_partner", "level_without_control",
})  # fmt: skip


def code(kind: str, detail: object = None) -> str:
    """``kind`` or ``kind:detail``."""
    return kind if detail is None or detail == "" else f"{kind}:{detail}"


def join_notes(*notes: str | Iterable[str]) -> str:
    """The codes of `notes` (strings of codes or iterables of them) joined by ``;``, each once, in
    order; "" when there is none."""
    codes: list[str] = []
    for note in notes:
        parts = note.split(";") if isinstance(note, str) else [c for n in note for c in n.split(";")]
        for c in parts:
            if c and c not in codes:
                codes.append(c)
    return ";".join(codes)


def note_kinds(note: str) -> list[str]:
    """The kinds of the codes of `note` (``no_post_test`` of ``no_post_test:partner``)."""
    return [c.split(":", 1)[0] for c in note.split(";") if c]


def shown_when_suppressed(note: str) -> str:
    """The codes of `note` that may stay on a suppressed row (`COUNT_KINDS`)."""
    return ";".join(c for c in note.split(";") if c and c.split(":", 1)[0] in COUNT_KINDS)


def is_zero(value: float, scale: float) -> bool:
    """Whether `value` (a standard error or deviation, >= 0) is zero up to rounding relative to
    `scale`; NaN counts as zero."""
    return not value > RELATIVE_ZERO * abs(scale)


def _gram_schmidt(x: np.ndarray, tol: float) -> tuple[list[int], np.ndarray]:
    """The aliased columns of `x` (as `aliased_columns`) and the orthonormal basis of the kept
    ones, one vector a row."""
    columns = np.asfortranarray(x, dtype=float)  # each column contiguous
    basis = np.empty((columns.shape[1], columns.shape[0]))
    kept = 0
    aliased = []
    for j in range(columns.shape[1]):
        rest = columns[:, j]
        norm = float(np.linalg.norm(rest))
        for _ in range(2):  # twice: Gram-Schmidt with re-orthogonalisation
            rest = rest - basis[:kept].T @ (basis[:kept] @ rest)
        size = float(np.linalg.norm(rest))
        if not size > tol * norm:
            aliased.append(j)
            continue
        basis[kept] = rest / size
        kept += 1
    return aliased, basis[:kept]


#: `aliased_columns` trusts the Gram matrix's Cholesky factor when every column keeps more than
#: this share of its norm after the columns before it are projected out: that is 1,000 times the
#: tolerance, far beyond the factor's rounding (of the order of 1e-15 relative to the pivots,
#: squared 1e-8 and more here), so no column is aliased. Otherwise Gram-Schmidt decides.
CLEARLY_KEPT = 1e3 * ALIAS_TOLERANCE


def _clearly_full_rank(x: np.ndarray) -> bool:
    """Whether every column of `x` keeps more than `CLEARLY_KEPT` of its norm after the columns
    before it are projected out, read from the Cholesky factor of the Gram matrix of the columns
    scaled to norm 1 (its diagonal holds those shares): one pass over the rows, O(N p^2) in
    BLAS, rather than Gram-Schmidt's p passes. False when that cannot be told this way."""
    if x.ndim != 2 or x.shape[1] == 0 or x.shape[0] < x.shape[1]:
        return False
    gram = x.T @ x
    norms = np.sqrt(np.diag(gram))
    if not np.all(np.isfinite(gram)) or not np.all(norms > 0):
        return False
    try:
        factor = np.linalg.cholesky(gram / np.outer(norms, norms))
    except np.linalg.LinAlgError:
        return False
    return bool(np.all(np.diag(factor) > CLEARLY_KEPT))


def aliased_columns(x: np.ndarray, tol: float = ALIAS_TOLERANCE) -> list[int]:
    """Indices of the columns of `x` that the columns before them reproduce, as R's ``lm``
    finds them: a column is aliased when its norm after projecting out the kept columns before
    it is at most `tol` times its own norm (an all-zero column too). R then reports NA for its
    coefficient and fits the rest; ``sandwich`` and ``clubSandwich`` work on the kept columns.
    A design far from any aliasing is recognised from its Gram matrix (`_clearly_full_rank`)."""
    x = np.asarray(x, dtype=float)
    if tol <= ALIAS_TOLERANCE and _clearly_full_rank(x):
        return []
    return _gram_schmidt(x, tol)[0]


def aliased_then_reproduced(
    x: np.ndarray, column: np.ndarray, tol: float = ALIAS_TOLERANCE
) -> tuple[list[int], bool, np.ndarray]:
    """`aliased_columns(x)`; whether the kept columns of `x` reproduce `column` (whether
    `aliased_columns` of the kept columns followed by `column` lists it); and an orthonormal
    basis of the kept columns and `column` (N x k, one vector a column; without `column` when
    they reproduce it), all from one pass of Gram-Schmidt."""
    aliased, basis = _gram_schmidt(x, tol)
    rest = np.asarray(column, dtype=float)
    norm = float(np.linalg.norm(rest))
    for _ in range(2):
        rest = rest - basis.T @ (basis @ rest)
    size = float(np.linalg.norm(rest))
    reproduced = not size > tol * norm
    return aliased, reproduced, (basis if reproduced else np.vstack([basis, rest / size])).T


def dropped_code(values: np.ndarray, name: str) -> str:
    """``dropped_constant:<name>`` when `values` has one value, else ``dropped_collinear:<name>``."""
    values = np.asarray(values, dtype=float)
    constant = len(values) == 0 or bool(np.all(values == values[0]))
    return code("dropped_constant" if constant else "dropped_collinear", name)


def model_columns(data: pd.DataFrame, treatment: str, others: Sequence[str]) -> tuple[list[str], str, bool]:
    """The columns of a model of the intercept, `treatment` and `others` that can be estimated.

    The partner indicator is checked against the intercept and every other column: when they
    reproduce it (it is constant, or a combination of them) its coefficient cannot be told apart
    from theirs and the model gives no estimate. Otherwise the other columns that the intercept
    and the columns before them reproduce are left out, in the order given, as R's ``lm`` leaves
    them out (with the treatment identified, its place in the order changes nothing).

    Returns
    -------
    (kept, note, identified)
        kept: `others` without the left-out columns; note: their ``dropped_constant`` /
        ``dropped_collinear`` codes (or ``collinear_treatment``); identified: whether the
        treatment's coefficient can be estimated.
    """
    columns = {name: data[name].to_numpy(dtype=float) for name in others}
    intercept = np.ones(len(data))
    aliased = {i - 1 for i in aliased_columns(np.column_stack([intercept, *columns.values()]))}
    kept = [name for i, name in enumerate(others) if i not in aliased]
    note = join_notes([dropped_code(columns[name], name) for i, name in enumerate(others) if i in aliased])
    full = np.column_stack([intercept, *(columns[name] for name in kept), data[treatment].to_numpy(dtype=float)])
    if len(data) == 0 or full.shape[1] - 1 in aliased_columns(full):
        return kept, code("collinear_treatment"), False
    return kept, note, True


def missing_group_note(data: pd.DataFrame, treatment: str, post: str, pre: str | None = None) -> str:
    """Why a group (partner, control) has no unit with every test of a comparison, or "".

    Per group, the first that applies: ``no_units:<group>`` (no row of the group),
    ``no_post_test:<group>`` (no value of `post`), ``no_pre_test:<group>`` (no value of `pre`),
    ``no_linked:<group>`` (no row with both)."""
    notes = []
    data = data[[treatment, post, *([pre] if pre is not None else [])]]  # cut below: not its text columns
    flags = data[treatment].astype(float).to_numpy()
    for value, group in GROUP_NAMES.items():
        rows = data[flags == value]
        if rows.empty:
            notes.append(code("no_units", group))
        elif rows[post].isna().all():
            notes.append(code("no_post_test", group))
        elif pre is not None and rows[pre].isna().all():
            notes.append(code("no_pre_test", group))
        elif pre is not None and rows[[pre, post]].dropna().empty:
            notes.append(code("no_linked", group))
    return join_notes(notes)


def scale_of(*values: float | np.ndarray) -> float:
    """The largest absolute finite value among `values` (0 when there is none): the scale that
    `is_zero` compares a standard error or deviation with."""
    found = [np.abs(np.asarray(v, dtype=float)).ravel() for v in values]
    found = [v[np.isfinite(v)] for v in found]
    return float(max((v.max() for v in found if v.size), default=0.0))


__all__ = [
    "ALIAS_TOLERANCE",
    "COUNT_KINDS",
    "NOTE_KINDS",
    "RELATIVE_ZERO",
    "aliased_columns",
    "aliased_then_reproduced",
    "code",
    "dropped_code",
    "is_zero",
    "join_notes",
    "missing_group_note",
    "model_columns",
    "note_kinds",
    "scale_of",
    "shown_when_suppressed",
]
