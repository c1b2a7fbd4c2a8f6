"""``score FILE [--format json|table] [--cap none|100|110|120] [--as-of YYYY-MM-DD]``.

Exit codes: 0 success, 2 bad input or usage, 1 unexpected internal error (no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone
from typing import NoReturn, TextIO

from nyata.core.typealiases import JSONObject

from .api import score_pemda
from .model import Result, ScoringConfig
from .reader import InputError, read_rows

WIB = timezone(timedelta(hours=7))  # Western Indonesia Time, for the default --as-of


USAGE = (
    "usage: nyata score FILE [--format json|table] [--cap none|100|110|120] [--as-of YYYY-MM-DD]"
)
HELP = """
Nilai capaian kinerja dari file CSV/XLSX (score performance indicators from a CSV/XLSX file).

  FILE            CSV (UTF-8, ',' or ';') or XLSX (first sheet) with columns
                  pemda, agency, indicator, unit, polarity, aggregation, year, quarter,
                  target, realisation [, verified, evidence_count, weight]
  --format        table (default) or json
  --cap           cap on each achievement in the agency score: none, 100, 110, 120 (default)
  --as-of         reporting date deciding pending vs not_reported (default: today, WIB)

Exit codes: 0 ok, 2 bad input or arguments, 1 internal error. See docs/scoring.md.
"""


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _UsageError(message or "")


def _parser() -> _Parser:
    p = _Parser(
        prog="nyata score",
        add_help=False,
        description="Score performance indicators (capaian) from a CSV/XLSX file.",
    )
    p.add_argument("file")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument("--cap", choices=("none", "100", "110", "120"), default="120")
    p.add_argument("--as-of", dest="as_of", default=None)
    return p


def result_to_json(res: Result) -> JSONObject:
    """The stable JSON interface (docs/scoring.md "Command line")."""
    return {
        "indicators": [
            {
                "pemda": i.pemda,
                "agency": i.agency,
                "indicator": i.indicator,
                "year": i.year,
                "quarter": i.quarter,
                "target": i.target,
                "realisation": i.realisation,
                "achievement": i.achievement,
                "category": i.category,
                "ytd_target": i.ytd_target,
                "ytd_realisation": i.ytd_realisation,
                "ytd_achievement": i.ytd_achievement,
                "ytd_category": i.ytd_category,
                "flags": list(i.flags),
            }
            for i in res.indicators
        ],
        "agencies": [
            {
                "pemda": a.pemda,
                "agency": a.agency,
                "year": a.year,
                "quarter": a.quarter,
                "score": a.score,
                "category": a.category,
                "rank": a.rank,
                "completeness": a.completeness,
            }
            for a in res.agencies
        ],
    }


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:,.2f}"


def _table(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, r in enumerate(rows):
        out.write("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() + "\n")
        if k == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def write_table(res: Result, out: TextIO) -> None:
    out.write("INDIKATOR / INDICATORS\n")
    rows = [
        [
            "pemda",
            "agency",
            "indicator",
            "year",
            "q",
            "target",
            "realisation",
            "achievement",
            "category",
            "ytd_achievement",
            "ytd_category",
            "flags",
        ]
    ]
    for i in res.indicators:
        rows.append(
            [
                i.pemda,
                i.agency,
                i.indicator,
                str(i.year),
                "-" if i.quarter is None else str(i.quarter),
                _fmt(i.target),
                _fmt(i.realisation),
                _fmt(i.achievement),
                i.category or "-",
                _fmt(i.ytd_achievement),
                i.ytd_category or "-",
                ",".join(i.flags),
            ]
        )
    _table(rows, out)
    out.write("\nPERANGKAT DAERAH / AGENCIES\n")
    rows = [["pemda", "year", "q", "rank", "agency", "score", "category", "completeness"]]
    for a in res.agencies:
        rows.append(
            [
                a.pemda,
                str(a.year),
                "-" if a.quarter is None else str(a.quarter),
                "-" if a.rank is None else str(a.rank),
                a.agency,
                _fmt(a.score),
                a.category or "-",
                f"{a.completeness * 100:.0f}%",
            ]
        )
    _table(rows, out)
    if res.forecasts:
        out.write("\nPROYEKSI AKHIR TAHUN / YEAR-END FORECAST\n")
        rows = [
            [
                "pemda",
                "agency",
                "indicator",
                "year",
                "as_of_q",
                "forecast",
                "achievement",
                "range",
                "status",
            ]
        ]
        for f in res.forecasts:
            rows.append(
                [
                    f.pemda,
                    f.agency,
                    f.indicator,
                    str(f.year),
                    str(f.as_of_quarter),
                    _fmt(f.realisation),
                    _fmt(f.achievement),
                    f"{_fmt(f.achievement_low)}..{_fmt(f.achievement_high)}",
                    f.status or "-",
                ]
            )
        _table(rows, out)


def main(
    argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    args_l = list(sys.argv[1:] if argv is None else argv)
    if len(args_l) >= 2 and args_l[0] == "score":
        args_l = args_l[1:]
    if any(a in ("-h", "--help") for a in args_l):
        out.write(USAGE + "\n" + HELP)
        return 0
    try:
        ns = _parser().parse_args(args_l)
    except _UsageError as exc:
        err.write(USAGE + "\n")
        err.write(f"kesalahan argumen (argument error): {str(exc).strip()}\n")
        return 2
    if ns.as_of is None:
        as_of = datetime.now(WIB).date()
    else:
        try:
            as_of = date.fromisoformat(ns.as_of)
        except ValueError:
            err.write(f"--as-of: tanggal tidak sah '{ns.as_of}' (invalid date, YYYY-MM-DD)\n")
            return 2
    cap = None if ns.cap == "none" else float(ns.cap)
    try:
        rows = read_rows(ns.file)
    except InputError as exc:
        for m in exc.messages:
            err.write(m + "\n")
        err.write(
            f"{len(exc.messages)} kesalahan, tidak ada yang dinilai "
            f"({len(exc.messages)} error(s), nothing scored)\n"
        )
        return 2
    try:
        res = score_pemda(rows, ScoringConfig(cap=cap, as_of=as_of))
        if ns.format == "json":
            json.dump(result_to_json(res), out, ensure_ascii=False, allow_nan=False, indent=1)
            out.write("\n")
        else:
            write_table(res, out)
    except BrokenPipeError:  # e.g. piped into `head`
        return 1
    except Exception as exc:  # never show a traceback to the user
        err.write(f"kesalahan internal (internal error): {type(exc).__name__}: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
