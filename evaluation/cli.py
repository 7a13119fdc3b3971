"""The `evaluation` command: adapts arguments and calls the library; never prints a traceback for
bad input, and exits with the codes of `evaluation.errors`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from evaluation.errors import EXIT_OK, EXIT_UNREADABLE, EvaluationError, OutputError, PlanError
from evaluation.wording import LANGUAGES


def _demo_data(args: argparse.Namespace) -> int:
    from evaluation.demo import write_demo_data

    out = write_demo_data(Path(args.out_dir), seed=args.seed)
    print(f"Demo programme written to {out}")
    return EXIT_OK


def output_folder(out: str | None) -> Path | None:
    """The folder ``--out`` names, refused (OutputError, exit 2) when it, or a folder it would be
    made in, is a file: checked before any work, so that the message is one line, not a
    traceback after minutes of validation."""
    if out is None:
        return None
    path = Path(out)
    for folder in (path, *path.parents):
        if folder.exists() and not folder.is_dir():
            where = "it is a file" if folder == path else f"{folder} is a file"
            raise OutputError(f"{path}: --out must name a folder to write into, but {where}; name another folder")
    return path


def _validate(args: argparse.Namespace) -> int:
    from evaluation.validation.page import write_readmes, write_validation_outputs
    from evaluation.validation.quality import check_quality, linkage_lines, linkage_summary, warnings_line
    from evaluation.validation.validate import validate_data_dir

    out_dir = output_folder(args.out)
    if args.pseudonymize and out_dir is not None:
        _check_key({"the data folder": Path(args.data_dir), "the output folder": out_dir})
    report = validate_data_dir(Path(args.data_dir), pseudonymize=args.pseudonymize)
    warnings = check_quality(report, language=args.language)
    print(report.summary())
    print(warnings_line(warnings))
    linkage = linkage_summary(report)
    for line in linkage_lines(linkage):
        print(line)
    if out_dir is not None:
        write_readmes(out_dir)
        write_validation_outputs(
            report, out_dir / "restricted", args.language, warnings, linkage, shared_dir=out_dir / "shared"
        )
        print(
            f"Validation details written to {out_dir}: shared/ holds counts only (validation.html, the page for "
            "officials; validation-summary.csv; linkage.csv); restricted/ holds the schools' rows (quarantine.csv, "
            "warnings.csv and fix-lists/, each school's rows and what to change): never share it"
        )
    return report.exit_code


def _check_key(protected: dict[str, Path]) -> None:
    """Refuse (PseudonymKeyError, exit 3) a missing or short pseudonymisation key, or a key file in
    one of the `protected` folders, before anything is read."""
    from evaluation.io.pseudonyms import load_key

    load_key(protected)


def plan_path(plan: str) -> Path:
    """The plan file `evaluation run PLAN` means: a path, or the name of a bundled plan (``demo``)
    when no file of that name is there."""
    from evaluation.resources import bundled_plans

    path = Path(plan)
    if path.is_file() or path.suffix or len(path.parts) > 1:
        return path
    plans = bundled_plans()
    if plan in plans:
        return plans[plan]
    raise PlanError(
        f"{plan}: no such plan file, nor a bundled plan of that name (bundled: {', '.join(plans)}; "
        "evaluation plans lists them)"
    )


def _plans(args: argparse.Namespace) -> int:
    from evaluation.config.plan import load_plan
    from evaluation.resources import bundled_plans

    print("Bundled analysis plans (evaluation run NAME runs one; copy its file to start a plan of your own):")
    plans = bundled_plans()
    width = max([12, *(len(name) for name in plans)])  # sister_schools is longer than the old 12
    for name, path in plans.items():
        plan = load_plan(path)
        print(f"  {name:<{width}} {plan.programme}, {plan.period}{' (synthetic data)' if plan.demo else ''}")
        print(f"  {'':<{width}} {path}")
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from evaluation.config.plan import load_plan

    plan = plan_path(args.plan)
    checked = load_plan(plan)  # a malformed plan is refused at once, before the analysis libraries load
    out = output_folder(args.out)  # and so is an --out that cannot be a folder

    from evaluation.pipeline import Progress, default_out_dir, run_plan
    from evaluation.steps.workspace import for_run, validation_status

    out = out or output_folder(str(default_out_dir(plan)))
    assert out is not None
    if checked.pseudonymize:  # the key is read from the environment again by the validation notebook
        data_dir = for_run(checked, out.resolve()).data_dir
        _check_key({"the data folder": data_dir, "the output folder": out})
    progress = Progress(sys.stdout)
    progress.line(f"Evaluating {plan} into {out}")
    out = run_plan(plan, out, progress)
    status = validation_status(out)
    if status["quarantined"]:
        print(
            f"{status['quarantined']} row(s) broke a data contract and were left out of the analysis "
            f"(on_quarantine: continue); they are listed in {out / 'restricted' / 'validation' / 'quarantine.csv'}",
            file=sys.stderr,
        )
    progress.line(f"Done in {progress.elapsed:.0f} s. Written to {out}:")
    for line in written_lines(out, checked.translations):
        progress.line(line)
    return EXIT_OK


#: What a run may write, in the order the closing list names it, with what each is for.
WRITTEN = (
    ("shared/report.html", "the annual report"),
    ("shared/report.pdf", "the same report for printing"),
    ("shared/results.xlsx", "the results tables as one workbook"),
    ("shared/results/", "the results tables (CSV, aggregates only)"),
    ("shared/validation/validation.html", "the validation page for officials (counts only)"),
    ("shared/schools/index.html", "a page per school and per partnership, and their index"),
    ("restricted/validation/fix-lists/", "each school's rows to fix: never share restricted/"),
    ("restricted/notebooks/", "the executed notebooks"),
)


def written_lines(out: Path, translations: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The closing list of a run into `out`: each output the run wrote (a plan without school
    pages has no pages to name), the translations after the results."""
    entries = list(WRITTEN)
    entries[4:4] = [
        (f"shared/{language}/", "the report, its PDF and the workbook in that language") for language in translations
    ]
    return [f"  {name:<36} {what}" for name, what in entries if (out / name).exists()]


def _design(args: argparse.Namespace) -> int:
    from evaluation.stats.power import mdes, schools_needed

    options = dict(
        students_per_school=args.students_per_school,
        icc=args.icc,
        r2_school=args.r2_school,
        r2_student=args.r2_student,
        share_partner=args.share_partner,
        alpha=args.alpha,
        power=args.power,
        school_covariates=args.school_covariates,
        two_tailed=not args.one_tailed,
    )
    if args.mdes is not None:
        schools = schools_needed(args.mdes, **options)
        print(
            f"{schools} schools needed for an MDES of {args.mdes:g} SD; with them: {mdes(schools, **options).summary()}"
        )
    else:
        print(mdes(args.schools, **options).summary())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaluation",
        description="Evaluation workbench for school partnership programmes.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo-data", help="write the synthetic demo programme's data directory")
    demo.add_argument("out_dir", help="folder to write the data directory into")
    demo.add_argument("--seed", type=int, default=20222023, help="random seed (default: %(default)s)")
    demo.set_defaults(handler=_demo_data)

    validate = commands.add_parser("validate", help="check every table of a data directory against its contract")
    validate.add_argument("data_dir", help="data directory (schools.csv, exam_results.csv, surveys/...)")
    validate.add_argument(
        "--out", help="folder for the quarantine table, validation summary, validation page and the schools' fix lists"
    )
    validate.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="language of the validation page and fix lists (default: %(default)s)",
    )
    validate.add_argument(
        "--pseudonymize",
        action="store_true",
        help="replace student and respondent ids by keyed hashes right after reading; the key comes from "
        "EVALUATION_PSEUDONYM_KEY or the file named by EVALUATION_PSEUDONYM_KEY_FILE",
    )
    validate.set_defaults(handler=_validate)

    run = commands.add_parser("run", help="run the whole evaluation of an analysis plan")
    run.add_argument("plan", help="analysis plan (YAML), or the name of a bundled plan such as demo")
    run.add_argument("--out", help="output folder (default: build/<plan name> under the current folder)")
    run.set_defaults(handler=_run)

    plans = commands.add_parser("plans", help="list the analysis plans bundled with the workbench and their files")
    plans.set_defaults(handler=_plans)

    design = commands.add_parser(
        "design",
        help="minimum detectable effect size, or schools needed, of a two-level cluster design (PowerUp! CRA2_2r)",
    )
    size = design.add_mutually_exclusive_group(required=True)
    size.add_argument("--schools", type=int, help="number of schools, partner and control (prints the MDES)")
    size.add_argument("--mdes", type=float, help="target MDES in SD units (prints the number of schools needed)")
    design.add_argument("--students-per-school", type=float, required=True, help="students analysed per school")
    design.add_argument("--icc", type=float, required=True, help="intraclass correlation of the outcome, in [0, 1]")
    design.add_argument(
        "--r2-school",
        type=float,
        required=True,
        help="share of the school-level variance explained by the pre-test, in [0, 1)",
    )
    design.add_argument(
        "--r2-student",
        type=float,
        required=True,
        help="share of the student-level variance explained by the pre-test, in [0, 1)",
    )
    design.add_argument("--share-partner", type=float, required=True, help="share of partner schools, in (0, 1)")
    design.add_argument("--alpha", type=float, default=0.05, help="type I error rate (default: %(default)s)")
    design.add_argument("--power", type=float, default=0.8, help="power (default: %(default)s)")
    design.add_argument(
        "--school-covariates",
        type=int,
        default=1,
        help="school-level covariates in the analysis model (default: %(default)s)",
    )
    design.add_argument("--one-tailed", action="store_true", help="one-tailed test (default: two-tailed)")
    design.set_defaults(handler=_design)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except EvaluationError as error:
        from evaluation.io.national_ids import mask_national_ids

        print(f"evaluation {args.command}: {mask_national_ids(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("evaluation: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`evaluation validate DIR | head`): not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:  # the disk refused (permissions, a full disk): one line, no traceback
        where = f"{error.filename}: " if error.filename else ""
        print(f"evaluation {args.command}: {where}cannot read or write ({error.strerror or error})", file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
