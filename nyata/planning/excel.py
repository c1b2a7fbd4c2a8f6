"""Excel round-trip of a plan: template, export, all-or-nothing import.

One workbook format serves the province plan and an agency's Renstra (the agency template is
the same workbook with the agency sheets narrowed to one agency; the import never deletes, so
importing either only adds and updates). Rows are read into plain dicts keyed by column name,
validated as a whole (`validate_plan` → `ValidPlan` or `ImportErrors` listing every problem with
sheet, row and column), then written by `write_plan` inside `actions.plan_import`. `export_plan`
produces the very same normalised dicts, which is what makes the round trip testable.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, cast

from django.db.models import Q
from django.utils.translation import gettext as _

from nyata.core.models import Agency, Pemda, User
from nyata.core.typealiases import JSONObject
from nyata.core.xlsx import ImportErrors, neutralise, number_message, open_workbook, parse_decimal, read_sheet
from nyata.numbers import NumberError
from nyata.planning.models import (
    Activity,
    AgencyObjective,
    Aggregation,
    BudgetCeiling,
    Goal,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Level,
    Mission,
    Objective,
    ObjectiveLink,
    PlanPeriod,
    Polarity,
    Program,
    QuarterTarget,
    SubActivity,
    TargetVersion,
    UnitOfMeasure,
)

Row = dict[str, Any]
Rows = dict[str, list[Row]]

PERIOD, MISSION, GOAL, OBJECTIVE = "Periode", "Misi", "Tujuan", "Sasaran"
AGENCY_OBJECTIVE, INDICATOR, TARGET, QUARTER = "SasaranPD", "Indikator", "Target", "TargetTriwulan"
ACTUAL, PROGRAM, ACTIVITY, SUB_ACTIVITY, CEILING = (
    "Realisasi", "Program", "Kegiatan", "SubKegiatan", "Pagu")

SHEETS: dict[str, list[str]] = {
    PERIOD: ["jenis", "nama", "tahun_awal", "tahun_akhir", "tagline", "visi", "ilustratif"],
    MISSION: ["nomor", "misi"],
    GOAL: ["kode", "tujuan", "nomor_misi"],
    OBJECTIVE: ["kode", "sasaran", "kode_tujuan", "ilustratif"],
    AGENCY_OBJECTIVE: ["kode", "kode_pd", "sasaran", "mendukung", "kode_induk", "ilustratif"],
    INDICATOR: ["kode", "kode_induk", "nama", "definisi", "rumus", "satuan", "tingkat",
                "polaritas", "penggabungan", "desimal", "sumber_data", "pd_penanggung_jawab",
                "tahun_awal", "nilai_awal", "iku", "ilustratif"],
    TARGET: ["kode_indikator", "tahun", "target", "target_atas", "ilustratif"],
    QUARTER: ["kode_indikator", "tahun", "triwulan", "target"],
    ACTUAL: ["kode_indikator", "tahun", "realisasi", "sumber"],
    PROGRAM: ["kode_pd", "kode", "nama", "kode_sasaran_pd", "ilustratif"],
    ACTIVITY: ["kode_pd", "kode_program", "kode", "nama"],
    SUB_ACTIVITY: ["kode_pd", "kode_kegiatan", "kode", "nama"],
    CEILING: ["kode_pd", "kode", "tahun", "pagu", "ilustratif"],
}

INT_COLS = {"tahun_awal", "tahun_akhir", "nomor", "nomor_misi", "desimal", "tahun", "triwulan"}
DEC_COLS = {"target", "target_atas", "nilai_awal", "realisasi", "pagu"}
BOOL_COLS = {"ilustratif", "iku"}
YES = {"ya", "y", "yes", "1", "true", "benar"}
NO = {"tidak", "t", "no", "0", "false", "salah"}

CHOICES: dict[str, tuple[type[Any], str | None]] = {
    # column: (choices, default when blank; None = required)
    "jenis": (PlanPeriod.Kind, PlanPeriod.Kind.RPJMD),
    "satuan": (UnitOfMeasure, ""),
    "tingkat": (Level, Level.OUTCOME),
    "polaritas": (Polarity, None),
    "penggabungan": (Aggregation, Aggregation.LAST),
}
UNIT_ALIASES = {"%": UnitOfMeasure.PERCENT, "prosen": UnitOfMeasure.PERCENT}

INSTRUCTIONS = [
    "Templat rencana kinerja Nyata (RPJMD dan Renstra Perangkat Daerah).",
    "Isi setiap lembar; jangan mengubah nama lembar atau judul kolom. Baris kosong diabaikan.",
    "Rumus tidak diterima: isikan nilai. Angka boleh ditulis 85,5 atau 1.234,5; sel persen dibaca "
    "sebagai persen (85,5%).",
    "Periode: satu baris. Kode tujuan, sasaran, dan sasaran PD memakai satu ruang kode.",
    "SasaranPD.mendukung: kode sasaran strategis provinsi yang didukung, dipisah koma.",
    "SasaranPD.kode_induk: sasaran PD induk (perangkat daerah yang sama); tidak boleh berputar.",
    "Indikator.kode_induk: kode tujuan, sasaran strategis, atau sasaran PD pemilik indikator.",
    "satuan: " + ", ".join(UnitOfMeasure.values),
    "tingkat: " + ", ".join(Level.values) + "; polaritas: " + ", ".join(Polarity.values)
    + "; penggabungan: " + ", ".join(Aggregation.values),
    "Target: satu baris per indikator per tahun dalam periode; indikator rentang mengisi "
    "target (batas bawah) dan target_atas.",
    "Program → Kegiatan → SubKegiatan memakai kode resmi (Permendagri 90/2019); kode unik per PD.",
    "Pagu: kode program, kegiatan, atau sub kegiatan; nilai dalam rupiah.",
    "ilustratif / iku: ya atau tidak.",
    "Impor bersifat semua-atau-tidak-sama-sekali: satu kesalahan membatalkan seluruh berkas. "
    "Impor menambah dan memperbarui; baris yang tidak ada di berkas tidak dihapus.",
]


# --- reading ----------------------------------------------------------------------------------


def read_workbook(upload: IO[bytes] | bytes) -> dict[str, list[tuple[int, Row]]]:
    """Every sheet's rows as (spreadsheet row, raw values); structural errors are raised."""
    wb = open_workbook(upload)
    errors = ImportErrors()
    out = {name: read_sheet(wb, name, cols, errors) for name, cols in SHEETS.items()}
    if errors:
        raise errors
    return out


# --- validation -------------------------------------------------------------------------------


@dataclass
class ValidPlan:
    rows: Rows  # normalised rows per sheet, as export_plan returns them
    period: PlanPeriod | None  # the existing period the file updates, or None to create one


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


@dataclass
class _Checker:
    errors: ImportErrors = field(default_factory=ImportErrors)

    def norm(self, sheet: str, n: int, raw: Row) -> Row:
        out: Row = {}
        for c, v in raw.items():
            t = _text(v)
            if c in INT_COLS:
                out[c] = self._int(sheet, n, c, v, t)
            elif c in DEC_COLS:
                out[c] = self._dec(sheet, n, c, v, t)
            elif c in BOOL_COLS:
                out[c] = self._bool(sheet, n, c, t)
            elif c in CHOICES:
                out[c] = self._choice(sheet, n, c, t)
            elif c == "mendukung":
                parts = v if isinstance(v, list) else re.split(r"[,;]", t)
                out[c] = sorted({str(x).strip() for x in parts if str(x).strip()})
            else:
                out[c] = t
        return out

    def _int(self, sheet: str, n: int, c: str, v: Any, t: str) -> int | None:
        if t == "":
            return None
        try:
            d = parse_decimal(v, decimals=0)
        except NumberError as e:
            self.errors.add(sheet, n, c, number_message(e))
            return None
        if d != d.to_integral_value():
            self.errors.add(sheet, n, c, _("Bukan bilangan bulat: '%(v)s'.") % {"v": t})
            return None
        return int(d)

    def _dec(self, sheet: str, n: int, c: str, v: Any, t: str) -> Decimal | None:
        if t == "":
            return None
        try:
            d = parse_decimal(v, decimals=4)
        except NumberError as e:
            self.errors.add(sheet, n, c, number_message(e))
            return None
        # Four decimals are kept (float noise from spreadsheets, e.g. 85.50000000001, goes).
        return _canon(d.quantize(Decimal("0.0001")))

    def _bool(self, sheet: str, n: int, c: str, t: str) -> bool | None:
        word = t.lower()
        if word in YES:
            return True
        if word in NO:
            return False
        if word == "":
            return None
        self.errors.add(sheet, n, c, _("Isikan 'ya' atau 'tidak', bukan '%(v)s'.") % {"v": t})
        return None

    def _choice(self, sheet: str, n: int, c: str, t: str) -> str | None:
        choices, default = CHOICES[c]
        if t == "":
            if default is None:
                self.errors.add(sheet, n, c, _("Wajib diisi."))
            return default
        word = t.lower()
        if c == "satuan" and word in UNIT_ALIASES:
            return str(UNIT_ALIASES[word])
        for value, label in choices.choices:
            if word in (str(value).lower(), str(label).lower()):
                return str(value)
        self.errors.add(sheet, n, c, _("Nilai '%(v)s' tidak dikenal; pilih salah satu: %(c)s.")
                        % {"v": t, "c": ", ".join(str(x) for x in choices.values)})
        return None


def _canon(d: Decimal) -> Decimal:
    """Decimal without trailing zeros, so 85.5000 from the database equals 85,5 from a file."""
    d = d.normalize()
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def validate_plan(raw: dict[str, list[tuple[int, Row]]] | Rows, *, new_period: bool = False
                  ) -> ValidPlan:
    """Check the whole plan against itself and the database; raise every error at once.

    Must run inside the Pemda's tenant scope. `raw` is either read_workbook's output or
    export_plan's rows (numbered from row 2). The steps follow the sheets' order: the period,
    the cascade (missions, goals, objectives, agency objectives), indicators and their values,
    the budget structure and its ceilings.
    """
    numbered: dict[str, list[tuple[int, Row]]] = {
        sheet: [r if isinstance(r, tuple) else (i, r) for i, r in enumerate(rows, start=2)]
        for sheet, rows in raw.items()
    }
    check = _PlanCheck(numbered, new_period=new_period)
    check.cascade()
    check.indicators()
    check.indicator_values()
    check.budget()
    if check.ck.errors:
        raise check.ck.errors
    return ValidPlan({s: [r for _n, r in rs] for s, rs in check.rows.items()}, check.period)


class _PlanCheck:
    """The state `validate_plan`'s steps share: the normalised rows, what the database holds,
    the codes seen so far, and the errors collected."""

    def __init__(self, numbered: dict[str, list[tuple[int, Row]]], *, new_period: bool) -> None:
        self.ck = ck = _Checker()
        self.err = err = ck.errors.add
        self.rows = rows = {
            sheet: [(n, ck.norm(sheet, n, r)) for n, r in numbered.get(sheet, [])] for sheet in SHEETS
        }
        period_rows = rows[PERIOD]
        if len(period_rows) != 1:
            err(PERIOD, None, None, _("Lembar Periode harus berisi tepat satu baris."))
            raise ck.errors
        pn, p = period_rows[0]
        for c in ("nama", "tahun_awal", "tahun_akhir"):
            if p[c] in (None, ""):
                err(PERIOD, pn, c, _("Wajib diisi."))
        if ck.errors:
            raise ck.errors
        self.start, self.end = start, end = p["tahun_awal"], p["tahun_akhir"]
        if end < start or end - start > 9:
            err(PERIOD, pn, "tahun_akhir", _("Periode %(a)d–%(b)d tidak valid (paling lama 10 tahun).")
                % {"a": start, "b": end})
        self.years = range(start, end + 1)
        self.period = None if new_period else PlanPeriod.objects.filter(
            start_year=start, end_year=end, is_current=True).first()
        self.db = _existing_codes(self.period)
        self.agencies = set(Agency.objects.values_list("code", flat=True))

    def unique(self, sheet: str, key: Callable[[Row], Any], label: Callable[[Row], str],
               taken: dict[Any, str] | None = None) -> None:
        seen: dict[Any, int] = {}
        for n, r in self.rows[sheet]:
            k = key(r)
            if k in seen:
                self.err(sheet, n, None, _("%(k)s ganda (juga di baris %(r)d).")
                         % {"k": label(r), "r": seen[k]})
            elif taken is not None and k in taken:
                self.err(sheet, n, None, _("%(k)s ganda (juga di lembar %(s)s).")
                         % {"k": label(r), "s": taken[k]})
            seen.setdefault(k, n)
            if taken is not None:
                taken.setdefault(k, sheet)

    def required(self, sheet: str, *cols: str) -> None:
        for n, r in self.rows[sheet]:
            for c in cols:
                if r[c] in (None, ""):
                    self.err(sheet, n, c, _("Wajib diisi."))

    def agency_known(self, sheet: str, col: str) -> None:
        for n, r in self.rows[sheet]:
            if r[col] and r[col] not in self.agencies:
                self.err(sheet, n, col, _("Perangkat daerah '%(v)s' tidak ada di Pemda ini.")
                         % {"v": r[col]})

    def cascade(self) -> None:
        """Missions, goals, objectives and agency objectives: codes, parents, no cycles."""
        rows, err, db, required, unique = self.rows, self.err, self.db, self.required, self.unique
        required(MISSION, "nomor", "misi")
        unique(MISSION, lambda r: r["nomor"], lambda r: _("Misi %s") % r["nomor"])
        missions = {r["nomor"] for _n, r in rows[MISSION]} | db["missions"]
        owner_space: dict[Any, str] = {}
        required(GOAL, "kode", "tujuan")
        unique(GOAL, lambda r: r["kode"], lambda r: _("Kode %s") % r["kode"], owner_space)
        required(OBJECTIVE, "kode", "sasaran", "kode_tujuan")
        unique(OBJECTIVE, lambda r: r["kode"], lambda r: _("Kode %s") % r["kode"], owner_space)
        required(AGENCY_OBJECTIVE, "kode", "kode_pd", "sasaran")
        unique(AGENCY_OBJECTIVE, lambda r: r["kode"], lambda r: _("Kode %s") % r["kode"], owner_space)
        self.goals = goals = {r["kode"] for _n, r in rows[GOAL]} | db["goals"]
        self.objectives = objectives = {r["kode"] for _n, r in rows[OBJECTIVE]} | db["objectives"]
        self.aobj_agency = aobj_agency = dict(db["agency_objectives"])
        aobj_agency.update({r["kode"]: r["kode_pd"] for _n, r in rows[AGENCY_OBJECTIVE]})
        for n, r in rows[GOAL]:
            if r["nomor_misi"] is not None and r["nomor_misi"] not in missions:
                err(GOAL, n, "nomor_misi", _("Misi %(v)s tidak ada.") % {"v": r["nomor_misi"]})
        for n, r in rows[OBJECTIVE]:
            if r["kode_tujuan"] and r["kode_tujuan"] not in goals:
                err(OBJECTIVE, n, "kode_tujuan", _("Tujuan '%(v)s' tidak ada.") % {"v": r["kode_tujuan"]})
        self.agency_known(AGENCY_OBJECTIVE, "kode_pd")
        parents = dict(db["parents"])
        for n, r in rows[AGENCY_OBJECTIVE]:
            for code in r["mendukung"]:
                if code not in objectives:
                    err(AGENCY_OBJECTIVE, n, "mendukung",
                        _("Sasaran strategis '%(v)s' tidak ada.") % {"v": code})
            parent = r["kode_induk"]
            parents[r["kode"]] = parent
            if parent and parent not in aobj_agency:
                err(AGENCY_OBJECTIVE, n, "kode_induk", _("Sasaran PD '%(v)s' tidak ada.") % {"v": parent})
            elif parent and aobj_agency[parent] != r["kode_pd"]:
                err(AGENCY_OBJECTIVE, n, "kode_induk",
                    _("Sasaran induk '%(v)s' milik perangkat daerah lain.") % {"v": parent})
        for n, r in rows[AGENCY_OBJECTIVE]:
            node, seen = r["kode"], set()
            while node and node not in seen:
                seen.add(node)
                node = parents.get(node) or ""
            if node == r["kode"]:
                err(AGENCY_OBJECTIVE, n, "kode_induk",
                    _("Siklus pada cascading: %(c)s akhirnya menjadi induk dirinya sendiri.")
                    % {"c": r["kode"]})

    def indicators(self) -> None:
        """Each indicator belongs to a goal or objective that exists; its polarity is known."""
        rows, err = self.rows, self.err
        self.required(INDICATOR, "kode", "kode_induk", "nama")
        self.unique(INDICATOR, lambda r: r["kode"], lambda r: _("Kode indikator %s") % r["kode"])
        owners = self.goals | self.objectives | set(self.aobj_agency)
        for n, r in rows[INDICATOR]:
            if r["kode_induk"] and r["kode_induk"] not in owners:
                err(INDICATOR, n, "kode_induk", _("Tujuan/sasaran '%(v)s' tidak ada.")
                    % {"v": r["kode_induk"]})
            if r["desimal"] is not None and not 0 <= r["desimal"] <= 6:
                err(INDICATOR, n, "desimal", _("Jumlah desimal 0–6."))
            if r["tahun_awal"] is not None and not 1900 <= r["tahun_awal"] <= self.end:
                err(INDICATOR, n, "tahun_awal", _("Tahun kondisi awal %(y)s tidak masuk akal.")
                    % {"y": r["tahun_awal"]})
        self.agency_known(INDICATOR, "pd_penanggung_jawab")
        self.polarity = dict(self.db["indicators"])
        self.polarity.update({r["kode"]: r["polaritas"] for _n, r in rows[INDICATOR]})

    def _indicator_rows(self, sheet: str, value_col: str, in_period: bool) -> None:
        self.required(sheet, "kode_indikator", "tahun", value_col)
        for n, r in self.rows[sheet]:
            if r["kode_indikator"] and r["kode_indikator"] not in self.polarity:
                self.err(sheet, n, "kode_indikator", _("Indikator '%(v)s' tidak ada.")
                         % {"v": r["kode_indikator"]})
            y = r["tahun"]
            if y is not None and in_period and y not in self.years:
                self.err(sheet, n, "tahun", _("Tahun %(y)d di luar periode rencana %(a)d–%(b)d.")
                         % {"y": y, "a": self.start, "b": self.end})
            elif y is not None and not in_period and not 1900 <= y <= self.end:
                self.err(sheet, n, "tahun", _("Tahun %(y)d tidak masuk akal.") % {"y": y})

    def indicator_values(self) -> None:
        """Yearly targets (ranges with both bounds), quarterly targets and actuals."""
        rows, err, unique = self.rows, self.err, self.unique
        self._indicator_rows(TARGET, "target", True)
        unique(TARGET, lambda r: (r["kode_indikator"], r["tahun"]),
               lambda r: _("Target %(i)s tahun %(y)s") % {"i": r["kode_indikator"], "y": r["tahun"]})
        for n, r in rows[TARGET]:
            is_range = self.polarity.get(r["kode_indikator"]) == Polarity.RANGE
            if is_range and r["target_atas"] is None:
                err(TARGET, n, "target_atas", _("Indikator rentang memerlukan batas atas."))
            elif not is_range and r["target_atas"] is not None:
                err(TARGET, n, "target_atas", _("Batas atas hanya untuk indikator rentang."))
            elif is_range and r["target"] is not None and r["target_atas"] < r["target"]:
                err(TARGET, n, "target_atas", _("Batas atas lebih kecil dari batas bawah."))
        self._indicator_rows(QUARTER, "target", True)
        self.required(QUARTER, "triwulan")
        unique(QUARTER, lambda r: (r["kode_indikator"], r["tahun"], r["triwulan"]),
               lambda r: _("Target triwulan %(i)s %(y)s-%(q)s")
               % {"i": r["kode_indikator"], "y": r["tahun"], "q": r["triwulan"]})
        for n, r in rows[QUARTER]:
            if r["triwulan"] is not None and not 1 <= r["triwulan"] <= 4:
                err(QUARTER, n, "triwulan", _("Triwulan harus 1–4."))
        self._indicator_rows(ACTUAL, "realisasi", False)
        unique(ACTUAL, lambda r: (r["kode_indikator"], r["tahun"]),
               lambda r: _("Realisasi %(i)s tahun %(y)s") % {"i": r["kode_indikator"], "y": r["tahun"]})

    def budget(self) -> None:
        """Programs → activities → sub-activities of each agency, and their ceilings per year."""
        rows, err, aobj_agency = self.rows, self.err, self.aobj_agency
        budget: dict[tuple[str, str], str] = dict(self.db["budget"])  # (agency, code) -> level sheet
        for sheet, parent_col, parent_sheet in ((PROGRAM, None, None),
                                                (ACTIVITY, "kode_program", PROGRAM),
                                                (SUB_ACTIVITY, "kode_kegiatan", ACTIVITY)):
            self.required(sheet, "kode_pd", "kode", "nama", *([parent_col] if parent_col else []))
            self.agency_known(sheet, "kode_pd")
            self.unique(sheet, lambda r: (r["kode_pd"], r["kode"]),
                        lambda r: _("Kode %(c)s (%(a)s)") % {"c": r["kode"], "a": r["kode_pd"]})
            for n, r in rows[sheet]:
                key = (r["kode_pd"], r["kode"])
                if budget.get(key, sheet) != sheet:
                    err(sheet, n, "kode", _("Kode %(c)s sudah dipakai pada lembar %(s)s.")
                        % {"c": r["kode"], "s": budget[key]})
                budget.setdefault(key, sheet)
                if parent_col and r[parent_col] and budget.get((r["kode_pd"], r[parent_col])) != parent_sheet:
                    err(sheet, n, parent_col, _("%(s)s '%(v)s' milik %(a)s tidak ada.")
                        % {"s": parent_sheet, "v": r[parent_col], "a": r["kode_pd"]})
        for n, r in rows[PROGRAM]:
            code = r["kode_sasaran_pd"]
            if code and code not in aobj_agency:
                err(PROGRAM, n, "kode_sasaran_pd", _("Sasaran PD '%(v)s' tidak ada.") % {"v": code})
            elif code and aobj_agency[code] != r["kode_pd"]:
                err(PROGRAM, n, "kode_sasaran_pd",
                    _("Sasaran PD '%(v)s' milik perangkat daerah lain.") % {"v": code})
        self.required(CEILING, "kode_pd", "kode", "tahun", "pagu")
        self.unique(CEILING, lambda r: (r["kode_pd"], r["kode"], r["tahun"]),
                    lambda r: _("Pagu %(c)s tahun %(y)s") % {"c": r["kode"], "y": r["tahun"]})
        for n, r in rows[CEILING]:
            if r["kode"] and (r["kode_pd"], r["kode"]) not in budget:
                err(CEILING, n, "kode", _("Program/kegiatan/sub kegiatan '%(v)s' milik %(a)s tidak ada.")
                    % {"v": r["kode"], "a": r["kode_pd"]})
            if r["tahun"] is not None and r["tahun"] not in self.years:
                err(CEILING, n, "tahun", _("Tahun %(y)d di luar periode rencana %(a)d–%(b)d.")
                    % {"y": r["tahun"], "a": self.start, "b": self.end})
            if r["pagu"] is not None and r["pagu"] < 0:
                err(CEILING, n, "pagu", _("Pagu tidak boleh negatif."))
            elif r["pagu"] is not None and r["pagu"] != r["pagu"].quantize(Decimal("0.01")):
                err(CEILING, n, "pagu", _("Pagu paling banyak 2 angka desimal (sen)."))


def _existing_codes(period: PlanPeriod | None) -> dict[str, Any]:
    if period is None:
        return {"missions": set(), "goals": set(), "objectives": set(),
                "agency_objectives": {}, "parents": {}, "indicators": {}, "budget": {}}
    aobjs = list(AgencyObjective.objects.filter(period=period).values_list(
        "code", "agency__code", "parent__code"))
    budget: dict[tuple[str, str], str] = {}
    for a, c in Program.objects.filter(period=period).values_list("agency__code", "code"):
        budget[(a, c)] = PROGRAM
    for a, c in Activity.objects.filter(program__period=period).values_list(
            "program__agency__code", "code"):
        budget[(a, c)] = ACTIVITY
    for a, c in SubActivity.objects.filter(activity__program__period=period).values_list(
            "activity__program__agency__code", "code"):
        budget[(a, c)] = SUB_ACTIVITY
    return {
        "missions": set(Mission.objects.filter(period=period).values_list("number", flat=True)),
        "goals": set(Goal.objects.filter(period=period).values_list("code", flat=True)),
        "objectives": set(Objective.objects.filter(period=period).values_list("code", flat=True)),
        "agency_objectives": {c: a for c, a, _p in aobjs},
        "parents": {c: p or "" for c, _a, p in aobjs},
        "indicators": dict(Indicator.objects.filter(period=period).values_list("code", "polarity")),
        "budget": budget,
    }


# --- export -----------------------------------------------------------------------------------


def _d(v: Decimal | None) -> Decimal | None:
    return None if v is None else _canon(v)


def export_plan(period: PlanPeriod, agency: Agency | None = None) -> Rows:
    """The plan as normalised rows per sheet (agency: narrow the agency sheets to it)."""
    aobjs = AgencyObjective.objects.filter(period=period).select_related("agency", "parent")
    programs = Program.objects.filter(period=period).select_related("agency", "agency_objective")
    # Indicators of programs, activities and sub-activities (the cascade below the agency head)
    # have no column in this workbook yet: it names owners by plan code only.
    indicators = Indicator.objects.filter(
        period=period, program__isnull=True, activity__isnull=True, sub_activity__isnull=True,
    ).select_related("goal", "objective", "agency_objective", "responsible_agency")
    activities = Activity.objects.filter(program__period=period).select_related("program__agency")
    subs = SubActivity.objects.filter(activity__program__period=period).select_related(
        "activity__program__agency")
    if agency is not None:
        aobjs = aobjs.filter(agency=agency)
        programs = programs.filter(agency=agency)
        indicators = indicators.filter(agency__isnull=True) | indicators.filter(agency=agency)
        activities = activities.filter(program__agency=agency)
        subs = subs.filter(activity__program__agency=agency)
    links: dict[int, list[str]] = defaultdict(list)
    for aid, code in ObjectiveLink.objects.filter(objective__period=period).values_list(
            "agency_objective_id", "objective__code"):
        links[aid].append(code)
    ind_list = list(indicators)
    ind_code = {i.pk: i.code for i in ind_list}

    def values(model: Any) -> Iterable[Any]:
        return cast("Iterable[Any]", model.objects.filter(indicator_id__in=ind_code).order_by(
            "indicator__code", "year", *(["quarter"] if model is QuarterTarget else [])))

    ceilings = BudgetCeiling.objects.filter(
        models_q_period(period, agency)).select_related(
        "program__agency", "activity__program__agency", "sub_activity__activity__program__agency")
    rows: Rows = {
        PERIOD: [{"jenis": period.kind, "nama": period.name, "tahun_awal": period.start_year,
                  "tahun_akhir": period.end_year, "tagline": period.tagline,
                  "visi": period.vision, "ilustratif": period.is_illustrative}],
        MISSION: [{"nomor": m.number, "misi": m.text}
                  for m in Mission.objects.filter(period=period)],
        GOAL: [{"kode": g.code, "tujuan": g.name,
                "nomor_misi": g.mission.number if g.mission else None}
               for g in Goal.objects.filter(period=period).select_related("mission")],
        OBJECTIVE: [{"kode": o.code, "sasaran": o.name, "kode_tujuan": o.goal.code,
                     "ilustratif": o.is_illustrative}
                    for o in Objective.objects.filter(period=period).select_related("goal")],
        AGENCY_OBJECTIVE: [
            {"kode": a.code, "kode_pd": a.agency.code, "sasaran": a.name,
             "mendukung": sorted(links[a.pk]), "kode_induk": a.parent.code if a.parent else "",
             "ilustratif": a.is_illustrative}
            for a in aobjs],
        INDICATOR: [
            {"kode": i.code, "kode_induk": i.owner.code if i.owner else "", "nama": i.name,
             "definisi": i.definition, "rumus": i.formula, "satuan": i.unit,
             "tingkat": i.level, "polaritas": i.polarity, "penggabungan": i.aggregation,
             "desimal": i.decimals, "sumber_data": i.data_source,
             "pd_penanggung_jawab": i.responsible_agency.code if i.responsible_agency else "",
             "tahun_awal": i.baseline_year, "nilai_awal": _d(i.baseline_value),
             "iku": i.is_key, "ilustratif": i.is_illustrative}
            for i in ind_list],
        TARGET: [{"kode_indikator": ind_code[t.indicator_id], "tahun": t.year,
                  "target": _d(t.value), "target_atas": _d(t.value_high),
                  "ilustratif": t.is_illustrative} for t in values(IndicatorTarget)],
        QUARTER: [{"kode_indikator": ind_code[t.indicator_id], "tahun": t.year,
                   "triwulan": t.quarter, "target": _d(t.value)} for t in values(QuarterTarget)],
        ACTUAL: [{"kode_indikator": ind_code[t.indicator_id], "tahun": t.year,
                  "realisasi": _d(t.value), "sumber": t.source} for t in values(IndicatorActual)],
        PROGRAM: [{"kode_pd": p.agency.code, "kode": p.code, "nama": p.name,
                   "kode_sasaran_pd": p.agency_objective.code if p.agency_objective else "",
                   "ilustratif": p.is_illustrative} for p in programs],
        ACTIVITY: [{"kode_pd": a.program.agency.code, "kode_program": a.program.code,
                    "kode": a.code, "nama": a.name} for a in activities],
        SUB_ACTIVITY: [{"kode_pd": s.activity.program.agency.code,
                        "kode_kegiatan": s.activity.code, "kode": s.code, "nama": s.name}
                       for s in subs],
        CEILING: sorted(
            ({"kode_pd": _item_agency(c), "kode": _item(c).code, "tahun": c.year,
              "pagu": _d(c.amount), "ilustratif": c.is_illustrative} for c in ceilings),
            key=lambda r: (r["kode_pd"], r["kode"], r["tahun"])),
    }
    return rows


def models_q_period(period: PlanPeriod, agency: Agency | None) -> Q:
    q = (Q(program__period=period) | Q(activity__program__period=period)
         | Q(sub_activity__activity__program__period=period))
    if agency is not None:
        q &= (Q(program__agency=agency) | Q(activity__program__agency=agency)
              | Q(sub_activity__activity__program__agency=agency))
    return q


def _item(c: BudgetCeiling) -> Program | Activity | SubActivity:
    return c.program or c.activity or c.sub_activity  # type: ignore[return-value]  # a ceiling has exactly one (check constraint)


def _item_agency(c: BudgetCeiling) -> str:
    if c.program:
        return c.program.agency.code
    if c.activity:
        return c.activity.program.agency.code
    return c.sub_activity.activity.program.agency.code  # type: ignore[union-attr]  # neither of the others, so this one (check constraint)


# --- workbook -----------------------------------------------------------------------------------


def _cell(col: str, v: Any) -> Any:
    if isinstance(v, bool):
        return "ya" if v else "tidak"
    if isinstance(v, list):
        return ", ".join(v)
    if col in DEC_COLS and isinstance(v, Decimal):
        return v  # a number cell: Excel users can compute with it
    return neutralise(v)


def build_workbook(rows: Rows) -> bytes:
    """The plan workbook: instructions, one sheet per table, drop-down lists for choices."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "Petunjuk"
    for line in INSTRUCTIONS:
        info.append([neutralise(line)])
    info.column_dimensions["A"].width = 120
    lists = wb.create_sheet("Daftar")
    choice_cols = {"satuan": UnitOfMeasure, "tingkat": Level, "polaritas": Polarity,
                   "penggabungan": Aggregation, "jenis": PlanPeriod.Kind}
    ranges = {}
    for i, (name, choices) in enumerate(choice_cols.items(), start=1):
        letter = get_column_letter(i)
        lists.cell(row=1, column=i, value=name).font = Font(bold=True)
        for j, v in enumerate(choices.values, start=2):
            lists.cell(row=j, column=i, value=v)
        ranges[name] = f"Daftar!${letter}$2:${letter}${len(choices.values) + 1}"
    ranges["ilustratif"] = ranges["iku"] = '"ya,tidak"'
    for sheet, cols in SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append(cols)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows.get(sheet, []):
            ws.append([_cell(c, r.get(c)) for c in cols])
        for i, c in enumerate(cols, start=1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = max(14, len(c) + 4)
            if c in ranges:
                dv = DataValidation(type="list", formula1=ranges[c], allow_blank=True)
                dv.error = _("Pilih nilai dari daftar.")
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}2000")
            elif c in DEC_COLS or c in INT_COLS:
                for cell in ws[letter][1:]:
                    cell.number_format = "General"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- writing (inside actions.plan_import / plan_revise) ------------------------------------------


def _refuse_closed_year_targets(pemda: Pemda, target_rows: list[Row],
                                before: dict[tuple[str, int], tuple[Any, Any]],
                                supersedes: PlanPeriod | None) -> None:
    """A closed year's targets are frozen: refuse a file (or revision) that changes one.

    `before` holds the period's targets by (indicator code, year); a new revision compares
    with the revision it replaces. Raised inside the import's transaction: nothing is saved.
    """
    from nyata.core.models import FiscalYear

    closed = set(FiscalYear.objects.filter(pemda=pemda, state=FiscalYear.State.CLOSED)
                 .values_list("year", flat=True))
    if not closed:
        return
    if supersedes is not None:
        before = {(t.indicator.code, t.year): (t.value, t.value_high) for t in
                  IndicatorTarget.objects.filter(indicator__period=supersedes, year__in=closed)
                  .select_related("indicator")}
    errors = ImportErrors()
    for r in target_rows:
        if r["tahun"] not in closed:
            continue
        old = before.get((r["kode_indikator"], r["tahun"]))
        if old is None or tuple(_d(x) for x in old) != (r["target"], r["target_atas"]):
            errors.add(TARGET, None, "target", _(
                "Target %(code)s tahun %(year)s tidak dapat diubah: tahun anggaran %(year)s sudah ditutup.")
                % {"code": r["kode_indikator"], "year": r["tahun"]})
    if errors:
        raise errors


def write_plan(pemda: Pemda, plan: ValidPlan, actor: User | None, *, revision: int = 0,
               supersedes: PlanPeriod | None = None, revision_note: str = ""
               ) -> tuple[PlanPeriod, JSONObject]:
    """Write a validated plan: the period, the cascade, indicators and their values, the budget.

    Rows are matched by their codes and created or updated in bulk; every target that changes
    keeps a version row. Returns the period and a summary for the audit event.
    """
    w = _PlanWriter(pemda, plan, actor, revision=revision, supersedes=supersedes, revision_note=revision_note)
    w.cascade()
    w.indicators()
    changes = w.indicator_values(supersedes)
    w.budget()
    summary = {"period": w.period.pk, "counts": {k: {"created": v[0], "updated": v[1]}
                                                  for k, v in w.counts.items()},
               "target_changes": changes}
    return w.period, summary


class _PlanWriter:
    """`write_plan`'s steps and what they share: the period, the rows, the objects by code."""

    def __init__(self, pemda: Pemda, plan: ValidPlan, actor: User | None, *, revision: int,
                 supersedes: PlanPeriod | None, revision_note: str) -> None:
        self.pemda, self.actor, self.rows = pemda, actor, plan.rows
        p = self.rows[PERIOD][0]
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # sheet -> [created, updated]
        period = plan.period
        if period is None:
            period = PlanPeriod(pemda=pemda, start_year=p["tahun_awal"], end_year=p["tahun_akhir"],
                                revision=revision, supersedes=supersedes, revision_note=revision_note)
            PlanPeriod.objects.filter(start_year=period.start_year, end_year=period.end_year,
                                      is_current=True).update(is_current=False)
            self.counts[PERIOD][0] += 1
        else:
            self.counts[PERIOD][1] += 1
        period.kind, period.name, period.tagline = p["jenis"], p["nama"], p["tagline"]
        period.vision, period.is_illustrative = p["visi"], bool(p["ilustratif"])
        period.is_current = True
        period.save()
        self.period = period
        self.agencies = {a.code: a for a in Agency.objects.all()}

    def upsert(self, sheet: str, model: type[Any], existing: dict[Any, Any],
               items: Iterable[tuple[Any, dict[str, Any]]]) -> dict[Any, Any]:
        """Create the rows whose key is new, update those whose values changed (in bulk)."""
        create, update, fields = [], [], set()
        for key, values in items:
            obj = existing.get(key)
            if obj is None:
                obj = model(pemda=self.pemda, **values)
                create.append(obj)
                existing[key] = obj
            else:
                changed = {k for k, v in values.items() if getattr(obj, k) != v}
                if changed:
                    for k in changed:
                        setattr(obj, k, values[k])
                    fields |= changed
                    update.append(obj)
        model.objects.bulk_create(create)
        if update:
            model.objects.bulk_update(update, sorted(fields))
        self.counts[sheet][0] += len(create)
        self.counts[sheet][1] += len(update)
        return existing

    def cascade(self) -> None:
        """Missions, goals, objectives, agency objectives with their parents and links."""
        rows, period, upsert, agencies = self.rows, self.period, self.upsert, self.agencies
        missions = upsert(MISSION, Mission, {m.number: m for m in Mission.objects.filter(period=period)},
                          ((r["nomor"], {"period": period, "number": r["nomor"], "text": r["misi"]})
                           for r in rows[MISSION]))
        self.goals = goals = upsert(GOAL, Goal, {g.code: g for g in Goal.objects.filter(period=period)},
                                    ((r["kode"], {"period": period, "code": r["kode"], "name": r["tujuan"],
                                                  "mission": missions.get(r["nomor_misi"])})
                                     for r in rows[GOAL]))
        self.objectives = objectives = upsert(
            OBJECTIVE, Objective, {o.code: o for o in Objective.objects.filter(period=period)},
            ((r["kode"], {"period": period, "code": r["kode"], "name": r["sasaran"],
                          "goal": goals[r["kode_tujuan"]], "is_illustrative": bool(r["ilustratif"])})
             for r in rows[OBJECTIVE]))
        self.aobjs = aobjs = upsert(
            AGENCY_OBJECTIVE, AgencyObjective, {a.code: a for a in AgencyObjective.objects.filter(period=period)},
            ((r["kode"], {"period": period, "code": r["kode"], "name": r["sasaran"],
                          "agency": agencies[r["kode_pd"]], "is_illustrative": bool(r["ilustratif"])})
             for r in rows[AGENCY_OBJECTIVE]))
        parent_changes = []
        for r in rows[AGENCY_OBJECTIVE]:
            a = aobjs[r["kode"]]
            parent = aobjs.get(r["kode_induk"]) if r["kode_induk"] else None
            if a.parent_id != (parent.pk if parent else None):
                a.parent = parent
                parent_changes.append(a)
        AgencyObjective.objects.bulk_update(parent_changes, ["parent"])
        # Links: the file states the whole list for each agency objective it contains.
        current = defaultdict(set)
        for aid, oid in ObjectiveLink.objects.filter(agency_objective__period=period).values_list(
                "agency_objective_id", "objective_id"):
            current[aid].add(oid)
        new_links, drop = [], []
        for r in rows[AGENCY_OBJECTIVE]:
            a = aobjs[r["kode"]]
            wanted = {objectives[c].pk for c in r["mendukung"]}
            new_links += [ObjectiveLink(pemda=self.pemda, agency_objective=a, objective_id=o)
                          for o in sorted(wanted - current[a.pk])]
            drop += [(a.pk, o) for o in current[a.pk] - wanted]
        ObjectiveLink.objects.bulk_create(new_links)
        for aid, oid in drop:
            ObjectiveLink.objects.filter(agency_objective_id=aid, objective_id=oid).delete()
        self.counts["links"] = [len(new_links), len(drop)]

    def _owner(self, code: str) -> dict[str, Any]:
        if code in self.goals:
            return {"goal": self.goals[code], "objective": None, "agency_objective": None, "agency_id": None}
        if code in self.objectives:
            return {"goal": None, "objective": self.objectives[code], "agency_objective": None,
                    "agency_id": None}
        a = self.aobjs[code]
        return {"goal": None, "objective": None, "agency_objective": a, "agency_id": a.agency_id}

    def indicators(self) -> None:
        def values(r: Row) -> dict[str, Any]:
            return {
                "period": self.period, "code": r["kode"], "name": r["nama"], "definition": r["definisi"],
                "formula": r["rumus"], "unit": r["satuan"], "level": r["tingkat"],
                "polarity": r["polaritas"], "aggregation": r["penggabungan"],
                "decimals": 2 if r["desimal"] is None else r["desimal"],
                "data_source": r["sumber_data"],
                "responsible_agency": self.agencies.get(r["pd_penanggung_jawab"]),
                "baseline_year": r["tahun_awal"], "baseline_value": r["nilai_awal"],
                "is_key": True if r["iku"] is None else r["iku"],
                "is_illustrative": bool(r["ilustratif"]), **self._owner(r["kode_induk"]),
            }

        self.indicator_by_code = self.upsert(
            INDICATOR, Indicator, {i.code: i for i in Indicator.objects.filter(period=self.period)},
            ((r["kode"], values(r)) for r in self.rows[INDICATOR]))

    def indicator_values(self, supersedes: PlanPeriod | None) -> list[list[Any]]:
        """Yearly targets (each change a version row), quarterly targets, actuals; the changes."""
        rows, period, upsert, indicators = self.rows, self.period, self.upsert, self.indicator_by_code
        existing_targets = {(t.indicator_id, t.year): t for t in
                            IndicatorTarget.objects.filter(indicator__period=period)}
        before = {k: (t.value, t.value_high) for k, t in existing_targets.items()}
        upsert(TARGET, IndicatorTarget, existing_targets,
               (((indicators[r["kode_indikator"]].pk, r["tahun"]),
                 {"indicator": indicators[r["kode_indikator"]], "year": r["tahun"],
                  "value": r["target"], "value_high": r["target_atas"],
                  "is_illustrative": bool(r["ilustratif"])}) for r in rows[TARGET]))
        code_of = {i.pk: i.code for i in indicators.values()}
        _refuse_closed_year_targets(self.pemda, rows[TARGET],
                                    {(code_of[pk], y): v for (pk, y), v in before.items() if pk in code_of},
                                    supersedes)
        changes, versions = [], []
        for r in rows[TARGET]:
            ind = indicators[r["kode_indikator"]]
            old = before.get((ind.pk, r["tahun"]))
            new = (r["target"], r["target_atas"])
            if old is None or tuple(_d(x) for x in old) != new:
                versions.append(TargetVersion(pemda=self.pemda, indicator=ind, year=r["tahun"],
                                              value=new[0], value_high=new[1], changed_by=self.actor))
                changes.append([ind.code, r["tahun"], str(old[0]) if old else None, str(new[0]),
                                str(new[1]) if new[1] is not None else None])
        TargetVersion.objects.bulk_create(versions)
        upsert(QUARTER, QuarterTarget,
               {(t.indicator_id, t.year, t.quarter): t
                for t in QuarterTarget.objects.filter(indicator__period=period)},
               (((indicators[r["kode_indikator"]].pk, r["tahun"], r["triwulan"]),
                 {"indicator": indicators[r["kode_indikator"]], "year": r["tahun"],
                  "quarter": r["triwulan"], "value": r["target"]}) for r in rows[QUARTER]))
        upsert(ACTUAL, IndicatorActual,
               {(t.indicator_id, t.year): t
                for t in IndicatorActual.objects.filter(indicator__period=period)},
               (((indicators[r["kode_indikator"]].pk, r["tahun"]),
                 {"indicator": indicators[r["kode_indikator"]], "year": r["tahun"],
                  "value": r["realisasi"], "source": r["sumber"]}) for r in rows[ACTUAL]))
        return changes

    def budget(self) -> None:
        """Programs → activities → sub-activities, and the ceilings of each per year."""
        rows, period, upsert, agencies, aobjs = self.rows, self.period, self.upsert, self.agencies, self.aobjs
        programs = upsert(PROGRAM, Program,
                          {(p.agency_id, p.code): p for p in Program.objects.filter(period=period)},
                          (((agencies[r["kode_pd"]].pk, r["kode"]),
                            {"period": period, "agency": agencies[r["kode_pd"]], "code": r["kode"],
                             "name": r["nama"],
                             "agency_objective": aobjs.get(r["kode_sasaran_pd"]) if r["kode_sasaran_pd"]
                             else None, "is_illustrative": bool(r["ilustratif"])})
                           for r in rows[PROGRAM]))
        activities = upsert(ACTIVITY, Activity,
                            {(a.program.agency_id, a.code): a for a in
                             Activity.objects.filter(program__period=period).select_related("program")},
                            (((agencies[r["kode_pd"]].pk, r["kode"]),
                              {"program": programs[(agencies[r["kode_pd"]].pk, r["kode_program"])],
                               "code": r["kode"], "name": r["nama"]}) for r in rows[ACTIVITY]))
        subs = upsert(SUB_ACTIVITY, SubActivity,
                      {(s.activity.program.agency_id, s.code): s for s in
                       SubActivity.objects.filter(activity__program__period=period)
                       .select_related("activity__program")},
                      (((agencies[r["kode_pd"]].pk, r["kode"]),
                        {"activity": activities[(agencies[r["kode_pd"]].pk, r["kode_kegiatan"])],
                         "code": r["kode"], "name": r["nama"]}) for r in rows[SUB_ACTIVITY]))

        def ceiling_key(r: Row) -> tuple[str, int, int]:
            key = (agencies[r["kode_pd"]].pk, r["kode"])
            for name, table in (("program", programs), ("activity", activities),
                                ("sub_activity", subs)):
                if key in table:
                    return name, table[key].pk, r["tahun"]
            raise KeyError(key)  # validate_plan guarantees the code exists

        existing_ceilings = {}
        for c in BudgetCeiling.objects.filter(models_q_period(period, None)):
            name = "program" if c.program_id else "activity" if c.activity_id else "sub_activity"
            existing_ceilings[(name, getattr(c, f"{name}_id"), c.year)] = c
        upsert(CEILING, BudgetCeiling, existing_ceilings,
               ((k, {f"{k[0]}_id": k[1], "year": k[2], "amount": r["pagu"],
                     "is_illustrative": bool(r["ilustratif"])})
                for r in rows[CEILING] for k in [ceiling_key(r)]))
