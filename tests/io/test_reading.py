"""read_table: every supported file kind reads to the same frame of strings."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from evaluation.errors import UnreadableInputError
from evaluation.io.reading import read_table

from fixtures import valid_tables, write_csv

ROWS = [
    {
        "school_id": "S01",
        "school_name": "Kayseri Bünyan Fen Lisesi",
        "province": "Kayseri",
        "score": "72.5",
        "exam_date": "2023-05-12",
    },
    {
        "school_id": "S02",
        "school_name": "İzmir Karşıyaka Anadolu Lisesi",
        "province": "İzmir",
        "score": "88",
        "exam_date": "",
    },
    {
        "school_id": "S03",
        "school_name": "Çankaya Şehit Öğretmen Lisesi",
        "province": "Ankara",
        "score": "",
        "exam_date": "2022-10-03",
    },
]


def expected_frame() -> pd.DataFrame:
    frame = pd.DataFrame([{k: (v or None) for k, v in row.items()} for row in ROWS], dtype="str")
    frame.index = pd.Index([2, 3, 4], name="row")
    return frame


def test_utf8_comma_csv(tmp_path):
    frame = read_table(write_csv(tmp_path / "schools.csv", ROWS))
    pd.testing.assert_frame_equal(frame, expected_frame())
    assert all(pd.api.types.is_string_dtype(frame[column]) for column in frame.columns)


def test_semicolon_cp1254_with_decimal_commas_reads_like_utf8(tmp_path):
    turkish = [{**row, "score": row["score"].replace(".", ",")} for row in ROWS]
    path = write_csv(tmp_path / "schools.csv", turkish, sep=";", encoding="cp1254")
    raw = path.read_bytes()
    assert "Bünyan".encode("cp1254") in raw and b"72,5" in raw  # really Windows-1254 with a decimal comma
    frame = read_table(path)
    pd.testing.assert_frame_equal(frame, read_table(write_csv(tmp_path / "utf8.csv", ROWS)))
    assert frame.loc[3, "province"] == "İzmir"
    assert frame.loc[2, "score"] == "72.5"


def test_utf8_with_bom(tmp_path):
    frame = read_table(write_csv(tmp_path / "schools.csv", ROWS, encoding="utf-8-sig"))
    assert frame.columns[0] == "school_id"
    pd.testing.assert_frame_equal(frame, expected_frame())


def test_xlsx_with_typed_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(ROWS[0]))
    sheet.append(["S01", "Kayseri Bünyan Fen Lisesi", "Kayseri", 72.5, dt.datetime(2023, 5, 12)])
    sheet.append(["S02", "İzmir Karşıyaka Anadolu Lisesi", "İzmir", 88.0, None])
    sheet.append(["S03", "Çankaya Şehit Öğretmen Lisesi", "Ankara", None, dt.date(2022, 10, 3)])
    sheet.append([None] * 5)  # Excel's trailing empty rows are not data
    workbook.save(tmp_path / "schools.xlsx")
    pd.testing.assert_frame_equal(read_table(tmp_path / "schools.xlsx"), expected_frame())


def test_parquet_with_typed_columns(tmp_path):
    frame = pd.DataFrame(
        {
            "school_id": ["S01", "S02", "S03"],
            "school_name": [row["school_name"] for row in ROWS],
            "province": ["Kayseri", "İzmir", "Ankara"],
            "score": [72.5, 88.0, None],
            "exam_date": pd.to_datetime(["2023-05-12", None, "2022-10-03"]),
        }
    )
    frame.to_parquet(tmp_path / "schools.parquet")
    pd.testing.assert_frame_equal(read_table(tmp_path / "schools.parquet"), expected_frame())


def test_row_numbers_skip_blank_lines_but_keep_counting(tmp_path):
    path = tmp_path / "exam_results.csv"
    path.write_text("student_id;score\nST01;1\n\n;\nST02;2,5\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.index) == [2, 5]
    assert frame.loc[5, "score"] == "2.5"


def test_headers_are_trimmed_and_lower_cased(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text(" School_ID , province ,\nS01,Kayseri,\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["school_id", "province"]


def test_fixture_tables_read_back(tmp_path):
    rows = valid_tables()["exam_results"]
    frame = read_table(write_csv(tmp_path / "exam_results.csv", rows))
    assert len(frame) == len(rows)
    assert frame.loc[2, "student_id"] == rows[0]["student_id"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("schools.csv", b"", "the file is empty"),
        ("schools.csv", b"  \n\n", "the file is empty"),
        ("schools.csv", b"\x81\x8d\x8e;\x90\n", "cannot decode"),
        ("schools.csv", b"PK\x03\x04\x00\x00binary", "not a text file"),
        ("schools.csv", b"a,b\n1,2,3\n", "row 2 has 3 cells but the header has 2"),
        ("schools.csv", b"a,a\n1,2\n", "appears twice"),
        ("schools.txt", b"a,b\n1,2\n", "save it as .csv"),
        ("schools.sav", b"$FL2", "SPSS"),
        ("schools.json", b"{}", "unknown kind of file"),
        ("schools.xlsx", b"not a workbook", "not a readable Excel"),
        ("schools.parquet", b"not parquet", "not a readable Parquet"),
    ],
)
def test_unreadable_files_raise_naming_the_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableInputError) as caught:
        read_table(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert reason in message
    assert "\n" not in message


def test_missing_file_raises(tmp_path):
    with pytest.raises(UnreadableInputError, match="file not found"):
        read_table(tmp_path / "schools.csv")


# --- sizes and encodings a file declares or mixes (issue 11) ---------------------------------------


def _declare_whole_sheet(path):
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        members = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in members.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', content)
            target.writestr(info, content)


def test_an_xlsx_declaring_the_whole_sheet_is_read_as_its_rows(tmp_path):
    import tracemalloc

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(ROWS[0]))
    for row in ROWS:
        sheet.append([value or None for value in row.values()])
    workbook.save(tmp_path / "schools.xlsx")
    _declare_whole_sheet(tmp_path / "schools.xlsx")
    declared = openpyxl.load_workbook(tmp_path / "schools.xlsx", read_only=True).worksheets[0]
    assert (declared.max_row, declared.max_column) == (1_048_576, 16_384)  # what the file claims
    tracemalloc.start()
    frame = read_table(tmp_path / "schools.xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    pd.testing.assert_frame_equal(frame, expected_frame())
    assert peak < 20 * 2**20  # rows padded to the declared 16,384 columns would take far more


def test_lines_ending_in_carriage_returns_only_are_lines(tmp_path):
    # an old Mac export: no \n at all, so the line-length limit counts \r-ended lines
    path = tmp_path / "exam_results.csv"
    rows = "\r".join(f"ST{number:06d},{number % 100}" for number in range(120_000))
    path.write_bytes(f"student_id,score\r{rows}\r".encode())
    assert path.stat().st_size > 2**20
    frame = read_table(path)
    assert len(frame) == 120_000 and frame.loc[3, "score"] == "1"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_and_cp1254_in_one_file_are_refused_naming_the_line(tmp_path, bom):
    path = tmp_path / "schools.csv"
    path.write_bytes(
        bom + "school_id,school_name\nS01,Kayseri\nS02,Öğretmen\n".encode() + "S03,Şişli\n".encode("cp1254")
    )
    with pytest.raises(UnreadableInputError) as caught:
        read_table(path)
    assert str(caught.value) == (
        f"{path}: line 4 is not valid UTF-8 (byte 0xDE), but line 3 holds UTF-8 text ('Ö'): the file mixes UTF-8 "
        "and Windows-1254 (Turkish) encodings; save it again as CSV UTF-8"
    )


def test_a_title_is_found_only_when_the_columns_are_known(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("Okul Listesi\n\nOkul Kodu;İl\nS01;Kayseri\n", encoding="utf-8")
    frame = read_table(path, columns=("school_id", "province"))
    assert list(frame.columns) == ["school_id", "province"] and list(frame.index) == [4]
    assert frame.attrs == {"header_row": 3, "title": "Okul Listesi"}
    assert list(read_table(path).columns) == ["okul listesi"]  # without the table's columns: row 1 is the header
