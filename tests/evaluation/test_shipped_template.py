"""The shipped PermenPANRB 88/2021 template matches domain.md §4 (expected values typed from its tables)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from nyata.scoring.evaluation import (
    AnswerError,
    TemplateFormatError,
    score,
    template_from_dict,
    validate,
)

SHIPPED = Path(__file__).resolve().parents[2] / "nyata" / "evaluation" / "data" / "permenpanrb_88_2021.json"


def shipped() -> dict[str, object]:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_components_sub_components_and_weights_are_domain_4_1() -> None:
    t = template_from_dict(shipped())
    assert validate(t) == []
    assert (t.regulation, t.year) == ("PermenPANRB 88/2021", 2021)
    assert [(c.name, c.weight) for c in t.components] == [
        ("Perencanaan Kinerja", D(30)), ("Pengukuran Kinerja", D(30)),
        ("Pelaporan Kinerja", D(15)), ("Evaluasi Akuntabilitas Kinerja Internal", D(25)),
    ]
    for comp in t.components:
        assert [(s.code, s.share) for s in comp.subcomponents] == [
            ("pemenuhan", D(20)), ("kualitas", D(30)), ("pemanfaatan", D(50)),
        ]


def test_bands_are_domain_4_4_and_letters_the_documented_defaults() -> None:
    t = template_from_dict(shipped())
    assert [(b.grade, b.lower, b.upper, b.lower_inclusive) for b in t.bands] == [
        ("AA", D(90), D(100), False), ("A", D(80), D(90), False), ("BB", D(70), D(80), False),
        ("B", D(60), D(70), False), ("CC", D(50), D(60), False), ("C", D(30), D(50), False),
        ("D", D(0), D(30), True),
    ]
    assert t.letter_values() == {"AA": D(100), "A": D(90), "BB": D(80), "B": D(70),
                                 "CC": D(60), "C": D(50), "D": D(30), "E": D(0)}


def test_the_criteria_are_a_starting_set_never_the_official_list() -> None:
    data = shipped()
    assert data["starting_set"] is True
    assert "BUKAN daftar resmi lengkap" in str(data["about"])
    t = template_from_dict(data)
    # §4.2 gives Perencanaan's criteria only; the other components wait for the Pemda's worksheet,
    # so the template cannot score an evaluation until it is completed.
    assert [len(s.criteria) for s in t.components[0].subcomponents] == [4, 7, 6]
    assert all(not s.criteria for c in t.components[1:] for s in c.subcomponents)
    with pytest.raises(AnswerError, match="komponen pengukuran, subkomponen pemenuhan: belum ada kriteria"):
        score(t, {c.code: "A" for c in t.criteria()})


@pytest.mark.parametrize(("change", "message"), [
    ({"year": "2021"}, "templat: 'year' harus bilangan bulat"),
    ({"components": [{"code": "x", "name": "X", "weight": 30}]}, "komponen x: 'weight' harus angka"),
    ({"components": [{"code": "x", "name": "X", "weight": "tiga"}]}, "komponen x: 'weight' bukan angka"),
    ({"bands": [{"grade": "AA", "lower": "NaN", "upper": "100"}]}, "predikat AA: 'lower' bukan angka"),
])
def test_an_unreadable_document_names_the_place(change: dict[str, object], message: str) -> None:
    with pytest.raises(TemplateFormatError, match=message):
        template_from_dict(shipped() | change)


def test_a_letter_without_value_reads_and_is_then_reported() -> None:
    data = shipped()
    data["scale"] = [{"letter": "AA", "value": None}]
    [problem] = validate(template_from_dict(data))
    assert (problem.code, problem.where) == ("letter_without_value", "jawaban AA")
