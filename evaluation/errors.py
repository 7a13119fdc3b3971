"""One exception tree for the workbench, with the exit code each kind of failure gives.

Bad-input errors subclass ValueError as well, so callers that only know the standard library can
still catch them. Messages name the file, row, column, what was found and what is allowed.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID_DATA = 1  # rows quarantined or a contract is broken
EXIT_UNREADABLE = 2  # an input cannot be read at all, an output folder cannot be written (also argparse usage errors)
EXIT_BAD_PLAN = 3  # the analysis plan is missing, malformed or names unknown things; or the pseudonym key
#                    is missing or unsafe (evaluation.io.pseudonyms)
EXIT_ANALYSIS_FAILED = 4  # a notebook of the pipeline failed while executing
EXIT_PAGES_FAILED = 5  # every page per school and partnership failed (the report was written)
EXIT_SCHEDULER_UNREACHABLE = 6  # the Dask scheduler the plan or EVALUATION_SCHEDULER names cannot be reached


class EvaluationError(Exception):
    """Root of every error the workbench raises on purpose."""

    exit_code = EXIT_ANALYSIS_FAILED

    def _render_traceback_(self) -> list[str]:
        """What IPython (a notebook) shows instead of a traceback: the message, which names the
        file, key or row to fix. A workbench error is the user's to act on, not a bug to debug."""
        return [f"{type(self).__name__}: {self}"]


class UnreadableInputError(EvaluationError, ValueError):
    """A file cannot be read at all (missing, wrong format, undecodable)."""

    exit_code = EXIT_UNREADABLE


class OutputError(EvaluationError, ValueError):
    """An output folder cannot be written (``--out`` names a file, or the disk refuses)."""

    exit_code = EXIT_UNREADABLE


class ContractError(EvaluationError, ValueError):
    """A data contract or instrument definition is itself malformed."""

    exit_code = EXIT_UNREADABLE


class ValidationFailed(EvaluationError):
    """Rows were quarantined or a table broke its contract's structure, and the run must stop."""

    exit_code = EXIT_INVALID_DATA


class PlanError(EvaluationError, ValueError):
    """The analysis plan is missing, malformed or refers to unknown outcomes or tables."""

    exit_code = EXIT_BAD_PLAN


class PseudonymKeyError(EvaluationError, ValueError):
    """Pseudonymisation is asked for, but its key (`evaluation.io.pseudonyms`) is missing, too
    short, or kept where it could be committed or shared. The message never shows the key."""

    exit_code = EXIT_BAD_PLAN


class DesignError(EvaluationError, ValueError):
    """Design-planning inputs are out of range (an ICC above 1, too few schools for any df)."""

    exit_code = EXIT_UNREADABLE


class AnalysisFailed(EvaluationError):
    """A step of the pipeline (a notebook) failed while executing."""

    exit_code = EXIT_ANALYSIS_FAILED


class PagesFailed(AnalysisFailed):
    """Every school's and partnership's page failed; the report and the results were written."""

    exit_code = EXIT_PAGES_FAILED


class SchedulerUnreachable(EvaluationError):
    """The Dask scheduler named by the plan's ``scheduler`` or EVALUATION_SCHEDULER does not answer
    (`evaluation.steps.parallel`); nothing was computed on it."""

    exit_code = EXIT_SCHEDULER_UNREACHABLE


class EvidenceInputError(EvaluationError, ValueError):
    """Numbers given to the evidence-standards functions (counts, rates, columns) that cannot be
    judged: negative counts, more analysed than assigned, a missing column."""

    exit_code = EXIT_ANALYSIS_FAILED


class WordingError(EvaluationError, ValueError):
    """A wording catalogue (`evaluation/wording/<language>.yaml`) breaks the catalogue schema, a
    language has no catalogue, or a text is asked for without the values of its placeholders."""

    exit_code = EXIT_ANALYSIS_FAILED


class MissingWordingError(WordingError, KeyError):
    """The catalogue of a language has no text for a key the code asks for."""

    def __init__(self, key: str, language: str, path: object = None) -> None:
        self.key, self.language = key, language
        where = f" ({path})" if path is not None else ""
        super().__init__(f"no text for the key {key!r} in the {language!r} catalogue{where}")

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])
