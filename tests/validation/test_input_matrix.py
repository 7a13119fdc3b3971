"""What schools really send: malformed and awkward inputs, each with its exact outcome.

Every case builds a small data directory (the valid tables of `fixtures`, changed) and states
either the outcome per table (data rows written, accepted, quarantined, and the exact set of
rule names in the quarantine; tables the case does not mention must pass whole) or the refusal
(`evaluation validate` exits 2 with one line naming the file and the reason). For every table
that is not broken, the data rows written = accepted + quarantined.

tests/io/test_reading.py and tests/validation/test_validation.py check the readers and each rule in detail;
this matrix checks the path from a file as a coordinator sends it to the validation outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from evaluation.cli import main
from evaluation.errors import EXIT_INVALID_DATA, EXIT_OK, EXIT_UNREADABLE
from evaluation.validation import validate as validate_module
from evaluation.validation.report import KNOCK_ON_NOTE
from evaluation.validation.validate import validate_data_dir

from fixtures import STUDENT_CLIMATE_ITEMS, Table, valid_tables, write_csv

pytestmark = pytest.mark.slow  # the whole module runs the demo programme or validates whole directories


@pytest.fixture(autouse=True)
def exams_required(monkeypatch: pytest.MonkeyPatch) -> None:
    """The matrix is a programme with exam outcomes: its exam_results is required, as a run of a
    plan with an exam outcome requires it (`evaluation.config.plan.required_tables`), so that a
    refused exam file stops with exit 2. `evaluation validate` without a plan requires the
    schools alone (tests/validation/test_required_tables.py)."""
    monkeypatch.setattr(validate_module, "REQUIRED_TABLES", {"schools": (), "exam_results": ("mathematics",)})


Written = dict[str, int]  # table key -> data rows written


def write(data: Path, tables: dict[str, Table], **csv_options) -> Written:
    """Write tables as CSV files of ``data``; the data rows written per table."""
    for key, rows in tables.items():
        write_csv(data / f"{key}.csv", rows, **csv_options)
    return {key: len(rows) for key, rows in tables.items()}


def base(*keys: str) -> dict[str, Table]:
    """The valid schools and exam_results tables, and the other tables named."""
    tables = valid_tables()
    return {key: tables[key] for key in ("schools", "exam_results", *keys)}


def rename(rows: Table, names: dict[str, str]) -> Table:
    return [{names.get(column, column): value for column, value in row.items()} for row in rows]


@dataclass(frozen=True)
class Expect:
    """A table's outcome: accepted and quarantined rows and the rules broken (or broken whole)."""

    accepted: int
    quarantined: int = 0
    rules: frozenset[str] = frozenset()
    broken: str | None = None


def expect(accepted: int, quarantined: int = 0, *rules: str) -> Expect:
    return Expect(accepted, quarantined, frozenset(rules))


@dataclass(frozen=True)
class Case:
    """A data directory and its outcome: ``tables`` per table (others pass whole) and the exit code,
    or ``refusal``, the text the one-line message holds after the file's path (``refused_file``)."""

    id: str
    build: Callable[[Path], Written]
    tables: dict[str, Expect] = field(default_factory=dict)
    check: Callable[[object], None] | None = None
    refused_file: str | None = None
    refusal: str | None = None
    cli: bool = False  # also run `evaluation validate` and check its exit code


CASES: list[Case] = []


def case(
    id: str,
    tables: dict[str, Expect] | None = None,
    *,
    refused_file: str | None = None,
    refusal: str | None = None,
    check: Callable[[object], None] | None = None,
    cli: bool = False,
):
    def register(build: Callable[[Path], Written]) -> Callable[[Path], Written]:
        CASES.append(Case(id, build, tables or {}, check, refused_file, refusal, cli))
        return build

    return register


def raw_file(name: str, content: bytes, replaces: str | None = None) -> Callable[[Path], Written]:
    """A build writing `base` and the file ``name`` with ``content`` (in place of the CSV file of
    the table ``replaces``)."""

    def build(data: Path) -> Written:
        written = write(data, {key: rows for key, rows in base().items() if key != replaces})
        (data / name).write_bytes(content)
        return written

    return build


# --- encodings ----------------------------------------------------------------------------------


@case("utf8_with_bom")
def _(data: Path) -> Written:
    written = write(data, base("students"))
    write_csv(data / "exam_results.csv", valid_tables()["exam_results"], encoding="utf-8-sig")
    assert (data / "exam_results.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    return written


def _cp1254_schools_check(report) -> None:
    schools = report.accepted["schools"]
    assert schools.loc[3, "school_name"] == "İzmir Karşıyaka Anadolu Lisesi"
    assert schools.loc[4, "school_name"] == 'Çankaya; Şehit "Öğretmen" Anadolu Lisesi'
    assert list(schools["group"]) == ["partner", "partner", "control", "control"]
    assert list(schools["resource_level"].fillna("")) == ["medium", "high", "low", ""]


@case("cp1254_semicolons_turkish_headers_and_labels", check=_cp1254_schools_check)
def _(data: Path) -> Written:
    tables = base()
    schools = tables["schools"]
    schools[2]["school_name"] = 'Çankaya; Şehit "Öğretmen" Anadolu Lisesi'  # separator and quotes inside
    for row, group, level in zip(
        schools, ["Ortak okul", "PROJE OKULU", "Kontrol", "KARŞILAŞTIRMA"], ["Orta", "YÜKSEK", "düşük", ""], strict=True
    ):
        row.update(group=group, resource_level=level)
    headers = {
        "school_id": "Okul Kodu",
        "school_name": "Okul Adı",
        "province": "İl",
        "country": "Ülke",
        "school_type": "Okul Türü",
        "group": "Grup",
        "partnership_id": "Ortaklık Kodu",
        "resource_level": "Kaynak Düzeyi",
    }
    write_csv(data / "schools.csv", rename(schools, headers), sep=";", encoding="cp1254")
    assert "Karşıyaka".encode("cp1254") in (data / "schools.csv").read_bytes()
    write(data, {"exam_results": tables["exam_results"]})
    return {"schools": 4, "exam_results": 32}


@case("utf16_refused", refused_file="schools.csv", refusal="not a text file")
def _(data: Path) -> Written:
    written = write(data, base())
    write_csv(data / "schools.csv", valid_tables()["schools"], encoding="utf-16")
    return written


case("binary_file_refused", refused_file="exam_results.csv", refusal="not a text file")(
    raw_file("exam_results.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
)
case(
    "undecodable_bytes_refused",
    refused_file="exam_results.csv",
    refusal="cannot decode the text as UTF-8 or Windows-1254",
)(raw_file("exam_results.csv", b"student_id,score\nST01,\x81\x8d\x8e\x90\n"))


# --- separators, quoting, row shapes ------------------------------------------------------------


def _exam_score(row: int, score: float) -> Callable[[object], None]:
    def check(report) -> None:
        assert report.accepted["exam_results"].loc[row, "score"] == score

    return check


@case("semicolons_with_decimal_commas", check=_exam_score(3, 28.75))
def _(data: Path) -> Written:
    tables = base()
    exams = [{**row, "score": row["score"].replace(".", ",")} for row in tables["exam_results"]]
    assert exams[1]["score"] == "28,75"
    write(data, {"schools": tables["schools"]})
    write_csv(data / "exam_results.csv", exams, sep=";")
    return {"schools": 4, "exam_results": 32}


@case("tab_separated", check=_exam_score(3, 28.75))
def _(data: Path) -> Written:
    written = write(data, {"schools": base()["schools"]})
    write_csv(data / "exam_results.csv", base()["exam_results"], sep="\t")
    return {**written, "exam_results": 32}


def _quoted_check(report) -> None:
    assert report.accepted["schools"].loc[2, "school_name"] == "Bünyan Fen Lisesi, Kayseri"
    assert report.accepted["exam_results"].loc[2, "score"] == 72.5


@case("comma_csv_with_quoted_separators_and_decimal_comma", check=_quoted_check)
def _(data: Path) -> Written:
    tables = base()
    tables["schools"][0]["school_name"] = "Bünyan Fen Lisesi, Kayseri"
    tables["exam_results"][0]["score"] = "72,5"  # quoted by the CSV writer: a comma inside
    written = write(data, tables)
    assert '"72,5"' in (data / "exam_results.csv").read_text(encoding="utf-8")
    return written


@case(
    "ragged_row_refused",
    refused_file="exam_results.csv",
    refusal="row 5 has 13 cells but the header has 12 columns (extra value 'oops'); check the separator",
)
def _(data: Path) -> Written:
    written = write(data, base())
    lines = (data / "exam_results.csv").read_text(encoding="utf-8").splitlines()
    lines[4] += ",oops"
    (data / "exam_results.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def broken_file(name: str, content: bytes) -> Callable[[Path], Written]:
    """A build writing `base` and the optional table's file ``name`` with ``content``, which cannot
    be read: the table is broken, every other table is still checked."""

    def build(data: Path) -> Written:
        written = write(data, base())
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes(content)
        return {**written, name.rsplit(".", 1)[0]: 0}

    return build


def unreadable(reason: str) -> Expect:
    return Expect(0, 0, frozenset({"unreadable_file"}), broken=f"cannot be read: {reason}")


# An optional table that cannot be read is broken (issue 11): before, it stopped the validation
# with exit 2, and no school got its fix list.
case("empty_optional_file_is_broken", {"activities": unreadable("the file is empty")}, cli=True)(
    broken_file("activities.csv", b"")
)
case("empty_required_file_refused", refused_file="schools.csv", refusal="the file is empty")(
    raw_file("schools.csv", b"", replaces="schools")
)


@case("header_only_file", {"activities": expect(0)})
def _(data: Path) -> Written:
    written = write(data, base())
    (data / "activities.csv").write_text(",".join(valid_tables()["activities"][0]) + "\n", encoding="utf-8")
    return {**written, "activities": 0}


def _blank_rows_check(report) -> None:
    failure = report.failures.iloc[0]
    assert (failure["row"], failure["value"]) == (14, "120")  # data row 10, after three blank lines


@case("blank_rows_in_the_middle", {"exam_results": expect(31, 1, "score_range")}, check=_blank_rows_check)
def _(data: Path) -> Written:
    tables = base()
    tables["exam_results"][9]["score"] = "120"
    written = write(data, tables)
    lines = (data / "exam_results.csv").read_text(encoding="utf-8").splitlines()
    lines[5:5] = ["", ",,,,,,,,,,,,", "   "]  # empty, only separators (one too many), only spaces
    (data / "exam_results.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


# --- Excel, Parquet, SPSS -----------------------------------------------------------------------


def _date(text: str) -> dt.datetime | None:
    if not text:
        return None
    if "." in text:
        return dt.datetime.strptime(text, "%d.%m.%Y")
    return dt.datetime.strptime(text, "%Y-%m-%d")


def _typed_exam_cells(row: dict[str, str]) -> list[object]:
    integers = ("grade", "n_items", "correct", "wrong", "blank")
    cells: list[object] = []
    for column, value in row.items():
        if column in integers:
            cells.append(int(value) if value else None)
        elif column == "score":
            cells.append(float(value))
        elif column == "exam_date":
            cells.append(_date(value))
        else:
            cells.append(value or None)
    return cells


def _xlsx_check(report) -> None:
    exams = report.accepted["exam_results"]
    assert exams.loc[2, "score"] == 72.5  # the text cell "72,5"
    assert exams.loc[4, "exam_date"] == pd.Timestamp("2023-05-14")  # an Excel date
    assert exams.loc[5, "exam_date"] == pd.Timestamp("2023-05-14")  # the text "14.05.2023"
    assert exams.loc[2, "grade"] == 10


@case("xlsx_numbers_dates_and_text_decimal_comma", check=_xlsx_check)
def _(data: Path) -> Written:
    tables = base()
    write(data, {"schools": tables["schools"]})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    rows = tables["exam_results"]
    sheet.append(list(rows[0]))
    for number, row in enumerate(rows):
        cells = _typed_exam_cells(row)
        if number == 0:
            cells[6] = "72,5"  # typed as text on a Turkish-locale machine
        if number == 3:
            cells[7] = "14.05.2023"  # a date typed as text
        sheet.append(cells)
    workbook.save(data / "exam_results.xlsx")
    return {"schools": 4, "exam_results": 32}


@case("xlsx_extra_sheet_and_trailing_empty_columns")
def _(data: Path) -> Written:
    tables = base()
    write(data, {"exam_results": tables["exam_results"]})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Okullar"
    sheet.append(list(tables["schools"][0]))
    for row in tables["schools"]:
        sheet.append([value or None for value in row.values()])
    for number in range(1, 8):  # formatted but empty cells: Excel reports them as columns and rows
        for column in (10, 11, 12):
            sheet.cell(row=number, column=column).font = openpyxl.styles.Font(bold=True)
    notes = workbook.create_sheet("Açıklamalar")
    notes.append(["Bu sayfa okul listesini açıklar.", None, "not: grup = partner/control"])
    workbook.save(data / "schools.xlsx")
    assert openpyxl.load_workbook(data / "schools.xlsx").active.max_column == 12
    return {"schools": 4, "exam_results": 32}


case("xlsx_corrupt_refused", refused_file="schools.xlsx", refusal="not a readable Excel .xlsx workbook")(
    raw_file("schools.xlsx", b"PK\x03\x04 this zip was cut short", replaces="schools")
)


@case("parquet_typed_columns")
def _(data: Path) -> Written:
    tables = base()
    write(data, {"schools": tables["schools"]})
    exams = pd.DataFrame(tables["exam_results"]).replace("", None)
    for column in ("grade", "n_items", "correct", "wrong", "blank"):
        exams[column] = pd.to_numeric(exams[column]).astype("Int64")
    exams["score"] = pd.to_numeric(exams["score"])
    exams["exam_date"] = exams["exam_date"].map(_date)
    exams.to_parquet(data / "exam_results.parquet")
    return {"schools": 4, "exam_results": 32}


case("parquet_corrupt_refused", refused_file="exam_results.parquet", refusal="not a readable Parquet file")(
    raw_file("exam_results.parquet", b"PAR1 not really parquet PAR1", replaces="exam_results")
)


def _sav_check(report) -> None:
    students = report.accepted["students"]
    assert list(students["sex"].iloc[:7]) == ["F", "M", "F", "M", "F", "M", "F"]
    assert pd.isna(students.loc[9, "sex"])
    assert list(students["special_needs"]) == [False, False, False, True, False, False, False, False]
    failure = report.failures.iloc[0]
    assert (failure["row"], failure["value"], failure["file"]) == (10, "3", "students.sav")


@case("sav_with_value_labels", {"students": expect(8, 1, "sex_allowed_values")}, check=_sav_check)
def _(data: Path) -> Written:
    written = write(data, base())
    students = pd.DataFrame(valid_tables()["students"] + [{**valid_tables()["students"][0], "student_id": "ST09"}])
    codes = {"F": 1.0, "K": 1.0, "M": 2.0, "E": 2.0, "": float("nan")}
    students["sex"] = students["sex"].map(codes)
    students.loc[8, "sex"] = 3.0  # a code without a label
    students["grade"] = students["grade"].astype(float)
    students["special_needs"] = students["special_needs"].map({"false": 0.0, "true": 1.0})
    students["migrant_refugee"] = students["migrant_refugee"].astype(float)
    pyreadstat.write_sav(
        students,
        data / "students.sav",
        variable_value_labels={"sex": {1.0: "Kadın", 2.0: "Erkek"}, "special_needs": {0.0: "Hayır", 1.0: "Evet"}},
    )
    return {**written, "students": 9}


case(
    "sav_corrupt_optional_is_broken",
    {"students": unreadable("not a readable SPSS .sav file (Unable to read from file)")},
)(broken_file("students.sav", b"$FL2@(#) IBM SPSS STATISTICS but cut short"))
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
case(
    "xls_optional_is_broken",
    {
        "indicators": unreadable(
            "cannot read .xls files: old Excel workbooks (.xls) are not supported; save it as .xlsx"
        )
    },
    cli=True,
)(broken_file("indicators.xls", XLS))
case(
    "xls_required_refused",
    refused_file="schools.xls",
    refusal="cannot read .xls files: old Excel workbooks (.xls) are not supported; save it as .xlsx",
)(raw_file("schools.xls", XLS, replaces="schools"))


# --- Turkish headers and labels -----------------------------------------------------------------

EXAM_HEADERS_TR = {
    "student_id": "Öğrenci No",
    "school_id": "Okul Kodu",
    "exam_id": "Sınav Kodu",
    "wave": "Uygulama",
    "grade": "SINIF",
    "subject": "Ders",
    "score": "Puan",
    "exam_date": "Sınav Tarihi",
    "n_items": "Soru Sayısı",
    "correct": "Doğru",
    "wrong": "YANLIŞ",
    "blank": "Boş",
}


@case("turkish_headers")
def _(data: Path) -> Written:
    tables = base()
    tables["exam_results"] = rename(tables["exam_results"], EXAM_HEADERS_TR)
    return write(data, tables)


@case(
    "one_column_under_two_headers_refused",
    refused_file="schools.csv",
    refusal="the column 'school_id' appears twice in the header (as 'Okul Kodu' and 'school_id')",
)
def _(data: Path) -> Written:
    tables = base()
    tables["schools"] = [{"Okul Kodu": row["school_id"], **row} for row in tables["schools"]]
    return write(data, tables)


def _wave_check(report) -> None:
    assert set(report.accepted["exam_results"]["wave"]) == {"pre", "post"}
    failure = report.failures.iloc[0]
    assert (failure["row"], failure["rule"], failure["value"]) == (9, "wave_allowed_values", "Ara test")


@case("turkish_wave_labels", {"exam_results": expect(31, 1, "wave_allowed_values")}, check=_wave_check, cli=True)
def _(data: Path) -> Written:
    tables = base()
    spellings = {
        "pre": ["Ön test", "ÖN TEST", "ön-test", "Öntest", "on test", "Pre-test", "PRE"],
        "post": ["Son test", "SON TEST", "son_test", "Sontest", "Post-test", "POST", "Son"],
    }
    for number, row in enumerate(tables["exam_results"]):
        choices = spellings[row["wave"]]
        row["wave"] = choices[number % len(choices)]
    tables["exam_results"][7]["wave"] = "Ara test"
    return write(data, tables)


def _folding_check(report) -> None:
    assert list(report.accepted["activities"]["status"]) == ["done", "partial", "cancelled"]
    assert list(report.accepted["surveys/teacher_collaboration"]["role"]) == ["teacher"] * 6
    assert set(report.accepted["surveys/teacher_collaboration"]["wave"]) == {"pre", "post"}


@case("turkish_case_folding_dotted_and_dotless_i", check=_folding_check)
def _(data: Path) -> Written:
    tables = base("activities", "surveys/teacher_collaboration")
    for row, status in zip(tables["activities"], ["TAMAMLANDI", "Kısmen", "İPTAL EDİLDİ"], strict=True):
        row["status"] = status
    survey = tables["surveys/teacher_collaboration"]
    for number, row in enumerate(survey):
        row["role"] = ["ÖĞRETMEN", "öğretmen", "Ogretmen"][number % 3]
        row["wave"] = {"pre": "İLK TEST", "post": "SON TEST"}[row["wave"]]
    return write(data, tables)


def _sex_check(report) -> None:
    assert list(report.accepted["students"]["sex"]) == ["F", "F", "F", "M", "M", "M", "F", "M"]
    assert (report.failures.iloc[0]["row"], report.failures.iloc[0]["value"]) == (10, "X")


@case("sex_k_e_and_words", {"students": expect(8, 1, "sex_allowed_values")}, check=_sex_check)
def _(data: Path) -> Written:
    tables = base("students")
    students = tables["students"]
    for row, sex in zip(students, ["K", "kız", "KADIN", "e", "ERKEK", "Erkek", "f", "m"], strict=True):
        row["sex"] = sex
    students.append({**students[0], "student_id": "ST09", "sex": "X"})  # not in exam_results
    return write(data, tables)


# --- values that break a rule -------------------------------------------------------------------


def changed(
    table: str, changes: dict[int, dict[str, str]] | None = None, extra: Table = (), with_tables: tuple[str, ...] = ()
) -> Callable[[Path], Written]:
    """A build writing `base` (and ``with_tables``) with cells of ``table`` changed (by data row
    number, 0-based) and ``extra`` rows added at its end."""

    def build(data: Path) -> Written:
        tables = base(*with_tables)
        for number, values in (changes or {}).items():
            tables[table][number].update(values)
        tables[table].extend(dict(row) for row in extra)
        return write(data, tables)

    return build


def _exam_change(changes: dict[int, dict[str, str]], extra: Table = ()) -> Callable[[Path], Written]:
    return changed("exam_results", changes, extra, with_tables=("students",))


case("dates_dd_mm_yyyy_and_impossible_dates", {"exam_results": expect(30, 2, "exam_date_type")})(
    _exam_change(
        {
            0: {"exam_date": "31.02.2023"},
            2: {"exam_date": "2023-02-29"},
            4: {"exam_date": "1.3.2023"},
            6: {"exam_date": "14/05/2023"},
        }
    )
)
case("score_out_of_range", {"exam_results": expect(30, 2, "score_range")})(
    _exam_change({0: {"score": "-5"}, 1: {"score": "100,5"}, 2: {"score": "100"}, 3: {"score": "0"}})
)
case("score_not_a_number", {"exam_results": expect(31, 1, "score_type")})(_exam_change({5: {"score": "yetmiş"}}))
case("grade_not_a_whole_number", {"exam_results": expect(31, 1, "grade_type")})(_exam_change({5: {"grade": "9,5"}}))
case("duplicate_result_key", {"exam_results": expect(31, 2, "exam_results_key_unique")})(
    _exam_change({}, extra=[{**valid_tables()["exam_results"][3], "score": "55"}])
)
case("unknown_school", {"exam_results": expect(31, 1, "school_id_exists", "student_school_matches_roster")})(
    _exam_change({5: {"school_id": "S99"}})
)
case("student_at_another_school_than_on_the_roster", {"exam_results": expect(31, 1, "student_school_matches_roster")})(
    _exam_change({5: {"school_id": "S03"}})
)
case("answer_counts_do_not_add_up", {"exam_results": expect(31, 1, "answer_counts_add_up")})(
    _exam_change({2: {"wrong": "1"}, 4: {"blank": ""}})
)  # an empty count is not checked
case("wave_not_allowed", {"exam_results": expect(31, 1, "wave_allowed_values")})(_exam_change({5: {"wave": "ara"}}))


def _schools_change(*extra: dict[str, str], changes: dict[int, dict[str, str]] | None = None):
    first = valid_tables()["schools"][0]
    return changed("schools", changes, [{**first, **row} for row in extra])


case("partner_school_without_partnership", {"schools": expect(4, 1, "partner_needs_partnership")})(
    _schools_change({"school_id": "S05", "group": "Proje okulu", "partnership_id": ""})
)
case("single_school_partnership", {"schools": expect(4, 1, "partnership_has_two_schools")})(
    _schools_change({"school_id": "S05", "group": "partner", "partnership_id": "P2"})
)
case("control_school_with_partnership", {"schools": expect(4, 1, "control_has_no_partnership")})(
    _schools_change({"school_id": "S05", "group": "kontrol", "partnership_id": "P1"})
)


def _knock_on_check(report) -> None:
    exams = report.failures[report.failures["table"] == "exam_results"]
    assert set(exams["value"]) == {"S04"}
    assert exams["message"].str.endswith(KNOCK_ON_NOTE).all()  # S04 is in schools.csv, but quarantined


case(
    "control_school_alone_in_a_partnership",  # S04's 8 exam results fall with it
    {
        "schools": expect(3, 1, "control_has_no_partnership", "partnership_has_two_schools"),
        "exam_results": expect(24, 8, "school_id_exists"),
    },
    check=_knock_on_check,
)(_schools_change(changes={3: {"partnership_id": "P9"}}))


# --- structure: columns, tables, files ----------------------------------------------------------


@case(
    "missing_required_column",
    {"exam_results": Expect(0, 0, frozenset({"required_column"}), broken="missing required column 'subject'")},
    cli=True,
)
def _(data: Path) -> Written:
    tables = base()
    columns = [column for column in tables["exam_results"][0] if column != "subject"]
    write_csv(data / "exam_results.csv", tables["exam_results"], columns=columns)
    return {**write(data, {"schools": tables["schools"]}), "exam_results": 32}


@case(
    "unknown_table_file", {"ogretmenler": Expect(0, 0, frozenset({"unknown_table"}), broken="unknown table")}, cli=True
)
def _(data: Path) -> Written:
    written = write(data, base())
    write_csv(data / "ogretmenler.csv", [{"teacher_id": "T01", "school_id": "S01"}])
    return {**written, "ogretmenler": 0}


@case(
    "two_files_for_one_table_refused",
    refused_file="",
    refusal="two files for the schools table (schools.csv and schools.xlsx); keep one",
)
def _(data: Path) -> Written:
    written = write(data, base())
    pd.DataFrame(valid_tables()["schools"]).to_excel(data / "schools.xlsx", index=False)
    return written


@case(
    "table_only_in_an_unknown_format_refused",
    refused_file="",
    refusal="the schools table is missing (expected one of schools.csv, schools.xlsx, schools.parquet, schools.sav)",
)
def _(data: Path) -> Written:
    written = write(data, {"exam_results": base()["exam_results"]})
    (data / "schools.json").write_text("[]", encoding="utf-8")
    return written


# --- surveys ------------------------------------------------------------------------------------


def _survey_change(changes: dict[int, dict[str, str]], extra: Table = ()) -> Callable[[Path], Written]:
    return changed("surveys/student_climate", changes, extra, with_tables=("surveys/student_climate",))


case("survey_item_outside_the_scale", {"surveys/student_climate": expect(14, 2, "bel_2_range")})(
    _survey_change({0: {"bel_2": "6"}, 1: {"bel_2": "0"}})
)


def _labels_check(report) -> None:
    climate = report.accepted["surveys/student_climate"]
    assert list(climate["bel_1"].iloc[:6]) == [5, 5, 5, 1, 3, 4]
    failure = report.failures.iloc[0]
    assert (failure["row"], failure["value"], failure["rule"]) == (8, "Çok katılıyorum", "bel_1_type")


@case(
    "survey_labels_in_any_case_and_one_not_on_the_scale",
    {"surveys/student_climate": expect(15, 1, "bel_1_type")},
    check=_labels_check,
)
def _(data: Path) -> Written:
    labels = [
        "KESİNLİKLE KATILIYORUM",
        "kesinlikle katiliyorum",
        "Strongly Agree",
        "Kesinlikle Katılmıyorum",
        "KARARSIZIM",
        "katılıyorum",
        "Çok katılıyorum",
    ]
    return _survey_change({number: {"bel_1": label} for number, label in enumerate(labels)})(data)


case("survey_turkish_role_and_wave")(
    _survey_change(
        {number: {"role": "Öğrenci", "wave": "Ön test" if number % 2 == 0 else "Son test"} for number in range(16)}
    )
)
case("survey_wave_not_allowed", {"surveys/student_climate": expect(15, 1, "wave_allowed_values")})(
    _survey_change({3: {"wave": "orta"}})
)


def _survey_duplicate_check(report) -> None:
    messages = report.failures.set_index("row")["message"]
    assert messages[2].endswith("the same value is on row 18")  # "pre" and "ÖN TEST" are one wave
    assert messages[18].endswith("the same value is on row 2")
    assert report.failures.set_index("row").loc[18, "value"] == "ST01 / ÖN TEST"


case(
    "survey_same_respondent_twice_under_two_spellings",
    {"surveys/student_climate": expect(15, 2, "survey_key_unique")},
    check=_survey_duplicate_check,
)(_survey_change({}, extra=[{**valid_tables()["surveys/student_climate"][0], "wave": "ÖN TEST"}]))


def _survey_sav_check(report) -> None:
    climate = report.accepted["surveys/student_climate"]
    assert list(climate["bel_1"].iloc[:3]) == [1, 2, 2]  # the codes behind the labels
    assert set(climate["wave"]) == {"pre", "post"}


@case("survey_sav_with_labelled_items_and_waves", check=_survey_sav_check)
def _(data: Path) -> Written:
    """A survey tool's SPSS export: items coded 1-5 with the Turkish labels, waves coded 1/2."""
    tables = base("surveys/student_climate")
    written = write(data, {key: tables[key] for key in ("schools", "exam_results")})
    climate = pd.DataFrame(tables["surveys/student_climate"])
    labels = {
        1.0: "Kesinlikle katılmıyorum",
        2.0: "Katılmıyorum",
        3.0: "Kararsızım",
        4.0: "Katılıyorum",
        5.0: "Kesinlikle katılıyorum",
    }
    for item in STUDENT_CLIMATE_ITEMS:
        climate[item] = pd.to_numeric(climate[item].replace("", None)).astype(float)
    climate["wave"] = climate["wave"].map({"pre": 1.0, "post": 2.0})
    (data / "surveys").mkdir()
    item_labels = dict.fromkeys(STUDENT_CLIMATE_ITEMS, labels)
    pyreadstat.write_sav(
        climate,
        data / "surveys" / "student_climate.sav",
        variable_value_labels={**item_labels, "wave": {1.0: "Ön test", 2.0: "Son test"}},
    )
    return {**written, "surveys/student_climate": 16}


# --- limits instead of crashes (issue 11) ---------------------------------------------------------
# Each is refused in one line naming the file (and the line, row or column); a required table's
# refusal stops with exit 2, an optional table's makes it broken (see the section after this one).


def exam_file(content: bytes) -> Callable[[Path], Written]:
    return raw_file("exam_results.csv", content, replaces="exam_results")


FIFTY_MB = 50 * 2**20
case(
    "one_line_of_50_mb_refused",
    refused_file="exam_results.csv",
    refusal=f"line 1 is {FIFTY_MB:,} bytes long, over the limit of 1,048,576 bytes (1 MB) a line may hold",
)(exam_file(b"a," * (FIFTY_MB // 2)))


def _exam_lines() -> list[str]:
    rows = valid_tables()["exam_results"]
    return [",".join(rows[0]), *(",".join(row.values()) for row in rows)]


@case(
    "long_line_in_the_middle_refused",
    refused_file="exam_results.csv",
    refusal="line 6 is 2,097,210 bytes long, over the limit of 1,048,576 bytes (1 MB)",
)
def _(data: Path) -> Written:
    lines = _exam_lines()
    lines[5] += "x" * 2 * 2**20  # 2 MB more on line 6
    return exam_file("\n".join(lines).encode() + b"\n")(data)


@case(
    "cell_over_excels_32767_characters_refused",
    refused_file="exam_results.csv",
    refusal="row 4, column 7 (score): a cell of 40,000 characters, over the limit of 32,767 (Excel's own)",
)
def _(data: Path) -> Written:
    lines = _exam_lines()
    cells = lines[3].split(",")
    cells[6] = '"' + "7" * 40_000 + '"'
    lines[3] = ",".join(cells)
    return exam_file("\n".join(lines).encode() + b"\n")(data)


case(
    "header_of_20000_columns_refused",
    refused_file="exam_results.csv",
    refusal="the header (row 1) has 20,000 columns, over the limit of 16,384 (Excel's own)",
)(exam_file(",".join(f"c{number}" for number in range(20_000)).encode() + b"\n1\n"))


def _parquet_declaring(values: int) -> bytes:
    """A Parquet file of three exam rows whose footer declares ``values`` rows (and values) instead."""
    import io
    import struct

    buffer = io.BytesIO()
    pd.DataFrame(valid_tables()["exam_results"][:3]).to_parquet(buffer, compression=None)
    data = buffer.getvalue()
    size = struct.unpack("<i", data[-8:-4])[0]
    footer = data[-8 - size : -8]

    def varint(number: int) -> bytes:  # a thrift compact-protocol i64 (zigzag varint)
        number, out = number << 1, bytearray()
        while number >= 0x80:
            out.append(number & 0x7F | 0x80)
            number >>= 7
        return bytes([*out, number])

    footer = footer.replace(b"\x16\x06", b"\x16" + varint(values))  # every i64 field holding 3
    return data[: -8 - size] + footer + struct.pack("<i", len(footer)) + b"PAR1"


case(
    "parquet_declaring_a_trillion_values_refused",
    refused_file="exam_results.parquet",
    refusal="the file declares 12,000,000,000,000 values (1,000,000,000,000 rows of 12 columns), over the limit",
)(raw_file("exam_results.parquet", _parquet_declaring(10**12), replaces="exam_results"))


def _sav_declaring(cases: int) -> bytes:
    """An SPSS file of nine students whose header declares ``cases`` cases."""
    import struct
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "students.sav"
        students = pd.DataFrame(valid_tables()["students"])
        students["grade"] = students["grade"].astype(float)
        pyreadstat.write_sav(students, path)
        data = bytearray(path.read_bytes())
    data[80:84] = struct.pack("<i", cases)
    return bytes(data)


case(
    "sav_declaring_100_million_cases_is_broken",  # pyreadstat would allocate 1.6 GB per two columns
    {
        "students": unreadable(
            "the file declares 100,000,000 cases, but a file of 1,111 bytes can hold at most 23; the file is "
            "damaged: save it again from SPSS"
        )
    },
)(broken_file("students.sav", _sav_declaring(100_000_000)))


@case("xlsx_declaring_the_whole_sheet_reads_its_rows")
def _(data: Path) -> Written:
    """<dimension ref="A1:XFD1048576"/>: 16,384 columns and a million rows declared, 5 rows there."""
    written = write(data, {"exam_results": base()["exam_results"]})
    pd.DataFrame(valid_tables()["schools"]).to_excel(data / "schools.xlsx", index=False)
    whole_sheet(data / "schools.xlsx")
    return {**written, "schools": 4}


def whole_sheet(path: Path) -> None:
    """Rewrite the first sheet's declared dimension of an .xlsx file as the whole sheet."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in members.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                content, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)
                assert n == 1
            target.writestr(info, content)


MIXED = "Okul Kodu,Okul Adı\nS01,İzmir Karşıyaka\n".encode() + "S02,Çankaya Şehit\n".encode("cp1254")
case(
    "utf8_and_cp1254_mixed_in_one_file_refused",
    refused_file="schools.csv",
    refusal="line 3 is not valid UTF-8 (byte 0xC7), but line 1 holds UTF-8 text ('ı'): the file mixes UTF-8 and "
    "Windows-1254 (Turkish) encodings; save it again as CSV UTF-8",
)(raw_file("schools.csv", MIXED, replaces="schools"))


# --- one bad file does not silence the others (issue 11) ----------------------------------------


@case(
    "unquoted_comma_in_the_activities_is_broken",
    {
        "activities": unreadable(
            "row 3 has 9 cells but the header has 8 columns (extra value '3'); check the separator and quoting"
        ),
        "exam_results": expect(31, 1, "score_range"),
    },
    cli=True,
)
def _(data: Path) -> Written:
    tables = base("activities")
    tables["exam_results"][3]["score"] = "130"  # still found: the other tables are checked
    written = write(data, tables)
    lines = (data / "activities.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("teacher visit", "teacher visit, online", 1).replace('"', "")
    (data / "activities.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {**written, "activities": 0}


@case(
    "two_files_for_an_optional_table_is_broken",
    {"indicators": unreadable("two files for the indicators table (indicators.csv and indicators.xlsx); keep one")},
)
def _(data: Path) -> Written:
    written = write(data, base("indicators"))
    pd.DataFrame(valid_tables()["indicators"]).to_excel(data / "indicators.xlsx", index=False)
    return {**written, "indicators": 0}


# --- what exports really look like (issue 11) ---------------------------------------------------

TITLE = "2022-2023 Ortak Sınav Sonuçları"


def _title_check(report) -> None:
    from evaluation.validation.page import write_validation_page
    from evaluation.validation.quality import check_quality

    result = report.tables["exam_results"]
    assert (result.header_row, result.title) == (3, TITLE)
    failure = report.failures.iloc[0]
    assert (failure["row"], failure["value"]) == (7, "130")  # data row 4, under the title and a blank line
    assert "exam_results.csv: the column names were found on row 3, under a title" in report.summary()
    warnings = check_quality(report)
    page = write_validation_page(report, report.data_dir.parent / "validation.html", "en", warnings)
    assert (
        "exam_results.csv: the column names were found on row 3, below a title; the rows above them were not read "
        "as data." in page.read_text(encoding="utf-8")
    )
    note = warnings[warnings["check"] == "header_row"]
    assert note["message"].tolist() == [
        f'The column names were found on row 3, below the title "{TITLE}"; the rows above them were not read as '
        "data: check that they hold none."
    ]


@case("title_row_above_the_header", {"exam_results": expect(31, 1, "score_range")}, check=_title_check, cli=True)
def _(data: Path) -> Written:
    tables = base()
    tables["exam_results"][3]["score"] = "130"
    written = write(data, tables)
    text = (data / "exam_results.csv").read_text(encoding="utf-8")
    (data / "exam_results.csv").write_text(f"{TITLE},,,,,,,,,,,\n\n{text}", encoding="utf-8")
    return written


def _xlsx_title_check(report) -> None:
    assert (report.tables["schools"].header_row, report.tables["schools"].title) == (2, "Okul Listesi 2022-2023")
    assert list(report.accepted["schools"].index) == [3, 4, 5, 6]


@case("xlsx_title_row_above_turkish_headers", check=_xlsx_title_check)
def _(data: Path) -> Written:
    written = write(data, {"exam_results": base()["exam_results"]})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Okul Listesi 2022-2023"])
    sheet.merge_cells("A1:H1")
    sheet.append(["Okul Kodu", "Okul Adı", "İl", "Ülke", "Okul Türü", "Grup", "Ortaklık Kodu", "Kaynak Düzeyi"])
    for row in valid_tables()["schools"]:
        sheet.append([value or None for value in row.values()])
    workbook.save(data / "schools.xlsx")
    return {**written, "schools": 4}


@case("student_number_as_the_respondent_id_of_a_student_survey")
def _(data: Path) -> Written:
    tables = base("surveys/student_climate")
    tables["surveys/student_climate"] = rename(tables["surveys/student_climate"], {"respondent_id": "Öğrenci No"})
    return write(data, tables)


def _zeros_check(report) -> None:
    from evaluation.validation.fix_lists import fix_list_items

    exams = report.failures[report.failures["rule"] == "school_id_exists"]
    assert exams["value"].unique().tolist() == ["12345"]
    assert exams["message"].iloc[0] == (
        "must be a school_id of the schools table (schools.csv); schools.csv has 012345: only leading zeros differ, "
        "and Excel drops the leading zeros of numbers: format the column as Text in Excel and type the codes with "
        "their zeros"
    )
    line = fix_list_items(report, "en")["012345"].iloc[0]
    assert line["rule"] == "school_id_exists" and line["row"] == "2\u20139"
    assert line["fix"] == (
        "School code 12345 is not in schools.csv: correct the school code, or add the school to schools.csv. "
        "schools.csv has 012345: only leading zeros differ. Excel drops the leading zeros of numbers: format the "
        "column as Text in Excel (Format Cells, Text) and type the codes with their zeros, in the file that lost them."
    )


@case(
    "leading_zeros_lost_by_excel",
    {"exam_results": expect(24, 8, "school_id_exists", "student_school_matches_roster")},
    check=_zeros_check,
)
def _(data: Path) -> Written:
    tables = base("students")
    for key in ("schools", "students"):
        for row in tables[key]:
            row["school_id"] = row["school_id"].replace("S01", "012345")
    for row in tables["exam_results"]:
        row["school_id"] = row["school_id"].replace("S01", "12345")  # as Excel shows 012345 typed as a number
    return write(data, tables)


def _forms_check(report) -> None:
    from evaluation.validation.quality import check_quality

    climate = report.accepted["surveys/student_climate"]
    assert climate["started_at"].notna().all() and climate["submitted_at"].notna().all()
    speeding = check_quality(report).query("check == 'speeding'")
    assert speeding["row"].tolist() == [3]


@case("microsoft_forms_start_and_completion_time", check=_forms_check)
def _(data: Path) -> Written:
    """An MS Forms export: Id, Start time, Completion time, Email, Name, then the answers."""
    tables = base("surveys/student_climate")
    written = write(data, {key: tables[key] for key in ("schools", "exam_results")})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    survey = tables["surveys/student_climate"]
    answers = [column for column in survey[0] if column not in ("submitted_at",)]
    sheet.append(["Id", "Start time", "Completion time", "Email", "Name", *answers])
    for number, row in enumerate(survey, start=1):
        start = dt.datetime(2023, 5, 22, 9, 0) + dt.timedelta(minutes=10 * number)
        seconds = 9 if number == 2 else 300  # row 3: nine items in nine seconds
        cells = [int(value) if value.isdigit() else (value or None) for value in (row[c] for c in answers)]
        sheet.append([number, start, start + dt.timedelta(seconds=seconds), "anonymous", None, *cells])
    (data / "surveys").mkdir()
    workbook.save(data / "surveys" / "student_climate.xlsx")
    return {**written, "surveys/student_climate": len(survey)}


# --- every reader at once, through the command ---------------------------------------------------


@case("every_format_in_one_directory", cli=True)
def _(data: Path) -> Written:
    tables = valid_tables()
    write_csv(data / "schools.csv", tables["schools"], sep=";", encoding="cp1254")
    students = pd.DataFrame(tables["students"])
    students["grade"] = students["grade"].astype(float)
    pyreadstat.write_sav(students, data / "students.sav")
    exams = pd.DataFrame(rename(tables["exam_results"], EXAM_HEADERS_TR))
    exams.to_excel(data / "exam_results.xlsx", index=False)
    pd.DataFrame(tables["activities"]).to_parquet(data / "activities.parquet")
    write_csv(data / "indicators.csv", tables["indicators"], sep="\t", encoding="utf-8-sig")
    write_csv(data / "surveys" / "student_climate.csv", tables["surveys/student_climate"], sep=";")
    return {key: len(rows) for key, rows in tables.items() if key != "surveys/teacher_collaboration"}


# --- the tests ----------------------------------------------------------------------------------

ROW_CASES = [case for case in CASES if case.refusal is None]
REFUSALS = [case for case in CASES if case.refusal is not None]


def test_the_matrix_has_thirty_distinct_inputs():
    assert len({case.id for case in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize("case", ROW_CASES, ids=lambda case: case.id)
def test_rows_are_accepted_or_quarantined(case: Case, tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    written = case.build(data)
    report = validate_data_dir(data)
    assert set(report.tables) == set(written)
    for key, rows in written.items():
        result = report.tables[key]
        want = case.tables.get(key, expect(rows))
        failures = report.failures[report.failures["table"] == key]
        assert result.broken == want.broken, key
        assert set(failures["rule"]) == set(want.rules), key
        assert (result.n_accepted, result.n_quarantined) == (want.accepted, want.quarantined), key
        assert len(report.accepted[key]) == want.accepted, key
        if not result.broken:
            assert result.n_rows == rows == result.n_accepted + result.n_quarantined, key
            assert failures["row"].nunique() == result.n_quarantined, key
    failed = any(want.quarantined or want.broken for want in case.tables.values())
    expected_exit = EXIT_INVALID_DATA if failed else EXIT_OK
    assert report.exit_code == expected_exit
    if case.check is not None:
        case.check(report)
    if case.cli:
        capsys.readouterr()
        assert main(["validate", str(data)]) == expected_exit
        captured = capsys.readouterr()
        assert captured.err == ""
        assert (
            "All rows passed." if expected_exit == EXIT_OK else "Some rows or tables did not pass their data contract."
        ) in captured.out.splitlines()


@pytest.mark.parametrize("case", REFUSALS, ids=lambda case: case.id)
def test_unreadable_input_is_refused_in_one_line(case: Case, tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    case.build(data)
    capsys.readouterr()
    assert main(["validate", str(data), "--out", str(tmp_path / "out")]) == EXIT_UNREADABLE
    captured = capsys.readouterr()
    assert captured.out == ""
    where = str(data / case.refused_file) if case.refused_file else str(data)
    assert captured.err.startswith(f"evaluation validate: {where}: {case.refusal}")
    assert captured.err.count("\n") == 1 and captured.err.endswith("\n")  # one line, no traceback
    assert not (tmp_path / "out").exists()
