from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from nyata.core.nip import parse_nip


def test_a_valid_nip_is_decoded() -> None:
    nip = parse_nip("198003152005011002")
    assert nip.birth_date == dt.date(1980, 3, 15)
    assert (nip.appointed_year, nip.appointed_month) == (2005, 1)
    assert nip.sex == "L"
    assert nip.sequence == 2


@pytest.mark.parametrize(
    "raw,code",
    [
        ("19800315200501100", "nip_length"),  # 17 digits
        ("1980031520050110021", "nip_length"),  # 19 digits
        ("19800315200501100A", "nip_length"),  # a letter
        ("198002302005011002", "nip_birth"),  # 30 February
        ("198013152005011002", "nip_birth"),  # month 13
        ("198003152005131002", "nip_appointment"),  # appointment month 13
        ("198003151990011002", "nip_appointment"),  # appointed at ten years old
        ("198003152005013002", "nip_sex"),  # sex digit 3
        ("198003152005011000", "nip_sequence"),  # sequence 000
    ],
)
def test_impossible_nips_are_refused_with_a_reason(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as e:
        parse_nip(raw)
    assert e.value.code == code
    assert "NIP" in e.value.messages[0] or "Nomor urut" in e.value.messages[0] or "Digit" in e.value.messages[0]
