"""The `score` command line: happy paths and malformed input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from nyata.scoring.cli import main
from nyata.scoring.reader import parse_number

HEADER = "pemda,agency,indicator,unit,polarity,aggregation,year,quarter,target,realisation"
GOOD = [
    "P1,DINKES,ikm,%,higher_is_better,last,2024,1,80,78.5",
    "P1,DINKES,ikm,%,higher_is_better,last,2024,2,80,82",
    "P1,DINKES,aki,kasus,lower_is_better,sum,2024,1,10,12",
    "P1,DINKES,aki,kasus,lower_is_better,sum,2024,2,10,",
    "P1,DISDIK,apk,%,range:90..100,mean,2024,1,,95",
    "P1,DISDIK,apk,%,range:90..100,mean,2024,2,,85",
    "P1,DISDIK,lulus,org,higher_is_better,sum,2024,,200,150",
]
IND_KEYS = {
    "pemda",
    "agency",
    "indicator",
    "year",
    "quarter",
    "target",
    "realisation",
    "achievement",
    "category",
    "ytd_target",
    "ytd_realisation",
    "ytd_achievement",
    "ytd_category",
    "flags",
}
AG_KEYS = {"pemda", "agency", "year", "quarter", "score", "category", "rank", "completeness"}


def run(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["score", str(path), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(
    tmp_path: Path, lines: list[str], name: str = "in.csv", sep: str = ",", bom: bool = False
) -> Path:
    p = tmp_path / name
    text = "\n".join(line.replace(",", sep) if sep != "," else line for line in lines) + "\n"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return p


def test_json_output_schema_and_values(tmp_path: Path) -> None:
    code, out, err = run(
        write(tmp_path, [HEADER, *GOOD]), "--format", "json", "--as-of", "2024-07-05"
    )
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"indicators", "agencies"}
    assert len(data["indicators"]) == len(GOOD)
    assert all(set(i) == IND_KEYS for i in data["indicators"])
    assert all(set(a) == AG_KEYS for a in data["agencies"])
    first = data["indicators"][0]
    assert first["achievement"] == pytest.approx(78.5 / 80 * 100)
    assert first["category"] == "sangat_tinggi"
    aki_q2 = data["indicators"][3]
    assert aki_q2["realisation"] is None and aki_q2["achievement"] is None
    assert "pending" in aki_q2["flags"]  # Q2 deadline 10 July not passed on 5 July
    assert data["indicators"][2]["achievement"] == 80.0  # T=10, R=12 lower is better
    annual = data["indicators"][6]
    assert annual["quarter"] is None and annual["achievement"] == 75.0
    ags = {(a["agency"], a["quarter"]): a for a in data["agencies"]}
    assert set(ags) == {
        ("DINKES", 1),
        ("DINKES", 2),
        ("DISDIK", 1),
        ("DISDIK", 2),
        ("DISDIK", None),
    }
    assert ags[("DINKES", 1)]["score"] == pytest.approx((98.125 + 80) / 2)
    assert ags[("DINKES", 1)]["rank"] == 2 and ags[("DISDIK", 1)]["rank"] == 1
    assert ags[("DINKES", 2)]["completeness"] == 0.5


def test_not_reported_after_deadline_counts_zero(tmp_path: Path) -> None:
    code, out, _ = run(
        write(tmp_path, [HEADER, *GOOD]),
        "--format",
        "json",
        "--as-of",
        "2024-07-11",
        "--cap",
        "100",
    )
    assert code == 0
    data = json.loads(out)
    assert "not_reported" in data["indicators"][3]["flags"]
    ags = {(a["agency"], a["quarter"]): a for a in data["agencies"]}
    assert ags[("DINKES", 2)]["score"] == pytest.approx(100 / 2)  # 102.5 capped at 100, and 0


def test_table_output(tmp_path: Path) -> None:
    code, out, _ = run(write(tmp_path, [HEADER, *GOOD], sep=";", bom=True), "--as-of", "2024-07-05")
    assert code == 0
    assert "INDICATORS" in out and "AGENCIES" in out
    assert "DINKES" in out and "sangat_tinggi" in out and "98.12" in out


def test_indonesian_numbers_and_semicolon(tmp_path: Path) -> None:
    p = tmp_path / "id.csv"
    p.write_text(
        HEADER.replace(",", ";") + "\nP1;A;x;Rp;higher_is_better;sum;2024;1;1.000,5;1.234,5\n"
    )
    code, out, err = run(p, "--format", "json")
    assert code == 0, err
    ind = json.loads(out)["indicators"][0]
    assert ind["target"] == 1000.5 and ind["realisation"] == 1234.5


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("85,5", 85.5),
        ("85.5", 85.5),
        ("1.234,5", 1234.5),
        ("1.234.567", 1234567.0),
        ("1,234.5", 1234.5),
        ("-3", -3.0),
        ("0", 0.0),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1..2", "nan", "inf", "", "1e3", "1E+999999999", "1.234"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_a_percent_sign_is_read_only_where_the_unit_is_percent() -> None:
    assert parse_number("12%", unit="persen") == 12.0
    with pytest.raises(ValueError):
        parse_number("12%", unit="orang")


def test_a_lone_group_of_three_is_read_by_the_unit_or_refused() -> None:
    assert parse_number("1.234", unit="persen") == 1.234  # 1234 % cannot be
    assert parse_number("0.855", unit="indeks") == 0.855
    with pytest.raises(ValueError):
        parse_number("1.234", unit="orang")  # 1,234 or 1234 people: refused, not guessed


def _bad(tmp_path: Path, lines: list[str]) -> tuple[int, str]:
    code, out, err = run(write(tmp_path, lines))
    assert out == ""
    assert "Traceback" not in err
    return code, err


def test_missing_column(tmp_path: Path) -> None:
    code, err = _bad(tmp_path, [HEADER.replace(",polarity", ""), "P,A,i,%,sum,2024,1,1,1"])
    assert code == 2
    assert "row 1, column 'polarity'" in err and "baris 1, kolom 'polarity'" in err


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("P,A,i,%,up,sum,2024,1,1,1", "polarity", "unknown value 'up'"),
        ("P,A,i,%,range:90-100,sum,2024,1,1,1", "polarity", "bad range syntax"),
        ("P,A,i,%,range:100..90,sum,2024,1,1,1", "polarity", "bad range syntax"),
        ("P,A,i,%,higher_is_better,sum,2024,1,abc,1", "target", "not a number: 'abc'"),
        ("P,A,i,%,higher_is_better,sum,2024,5,1,1", "quarter", "quarter must be 1-4"),
        ("P,A,i,%,higher_is_better,median,2024,1,1,1", "aggregation", "unknown value"),
        ("P,A,i,%,higher_is_better,sum,20x4,1,1,1", "year", "invalid year"),
        ("P,,i,%,higher_is_better,sum,2024,1,1,1", "agency", "required value is empty"),
    ],
)
def test_malformed_values_name_row_and_column(
    tmp_path: Path, row: str, column: str, fragment: str
) -> None:
    code, err = _bad(tmp_path, [HEADER, GOOD[0], row])
    assert code == 2
    assert f"row 3, column '{column}'" in err
    assert f"baris 3, kolom '{column}'" in err
    assert fragment in err


def test_all_errors_are_collected(tmp_path: Path) -> None:
    code, err = _bad(
        tmp_path,
        [HEADER, "P,A,i,%,up,sum,2024,1,1,1", GOOD[0], "P,A,j,%,higher_is_better,sum,2024,9,x,1"],
    )
    assert code == 2
    assert "row 2, column 'polarity'" in err
    assert "row 4, column 'quarter'" in err and "row 4, column 'target'" in err


def test_duplicate_row(tmp_path: Path) -> None:
    code, err = _bad(tmp_path, [HEADER, GOOD[0], GOOD[1], GOOD[0]])
    assert code == 2
    assert "row 4, column 'quarter'" in err and "duplicate" in err and "row 2" in err


def test_inconsistent_polarity_within_series(tmp_path: Path) -> None:
    code, err = _bad(
        tmp_path, [HEADER, GOOD[0], GOOD[1].replace("higher_is_better", "lower_is_better")]
    )
    assert code == 2 and "row 3, column 'polarity'" in err


def test_empty_file(tmp_path: Path) -> None:
    code, err = _bad(tmp_path, [""])
    assert code == 2
    assert "row 1, column 'pemda'" in err and "empty file" in err


def test_header_only(tmp_path: Path) -> None:
    code, err = _bad(tmp_path, [HEADER])
    assert code == 2 and "row 2" in err and "no data rows" in err


def test_not_csv_or_xlsx(tmp_path: Path) -> None:
    p = tmp_path / "x.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, out, err = run(p)
    assert code == 2 and out == ""
    assert "row 1" in err and "not CSV or XLSX" in err
    zp = tmp_path / "x.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.writestr("hello.txt", "hi")
    code, _, err = run(zp)
    assert code == 2 and "row 1" in err and "XLSX" in err


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "nope.csv")
    assert code == 2 and "cannot open file" in err
    out, err2 = io.StringIO(), io.StringIO()
    assert main(["score", "x.csv", "--cap", "90"], stdout=out, stderr=err2) == 2
    assert "usage" in err2.getvalue()
    assert (
        main(
            [str(write(tmp_path, [HEADER, *GOOD])), "--as-of", "31-12-2024"],
            stdout=out,
            stderr=err2,
        )
        == 2
    )


def test_xlsx_happy_path_and_bad_cell(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["P1", "A", "i", "%", "higher_is_better", "sum", 2024, 1, 80, 60])
    ws.append(["P1", "A", "i", "%", "higher_is_better", "sum", 2024, 2, 80, "85,5"])
    p = tmp_path / "in.xlsx"
    wb.save(p)
    code, out, err = run(p, "--format", "json")
    assert code == 0, err
    inds = json.loads(out)["indicators"]
    assert inds[0]["achievement"] == 75.0 and inds[1]["realisation"] == 85.5
    ws.append(["P1", "A", "i", "%", "sideways", "sum", 2024, 3, 80, 60])
    wb.save(p)
    code, _, err = run(p)
    assert code == 2 and "row 4, column 'polarity'" in err


def test_xlsx_size_guard(tmp_path: Path) -> None:
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(1001):
            zf.writestr(f"f{i}.xml", "")
    code, _, err = run(p)
    assert code == 2 and "1001 entries" in err
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/big.xml", b"\0" * (51 * 1024 * 1024))
    code, _, err = run(big)
    assert code == 2 and "50 MB" in err


def test_python_dash_m(tmp_path: Path) -> None:
    p = write(tmp_path, [HEADER, *GOOD])
    proc = subprocess.run(
        [sys.executable, "-m", "nyata.scoring", str(p), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["indicators"]) == len(GOOD)
