"""The English catalogue is complete: no entry left empty or as makemessages' fuzzy guess."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "nyata" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries() -> list[str]:
    return [e for e in PO.read_text(encoding="utf-8").split("\n\n") if "msgid" in e]


def test_no_entry_is_fuzzy() -> None:
    fuzzy = [e for e in _entries() if re.search(r"^#,.*\bfuzzy\b", e, re.M)]
    assert fuzzy == []


def test_every_entry_has_english() -> None:
    empty = [e for e in _entries()[1:] if e.strip().endswith('msgstr ""')]
    assert empty == []


def test_no_msgid_twice() -> None:
    # An entry is its context and its msgid: "Lainnya" in the menu (msgctxt "menu") is not "Lainnya" elsewhere.
    ids = [(ctx, m) for e in _entries() for ctx, m in re.findall(
        r'^(?:msgctxt (".*")\n)?msgid ((?:".*"\n?)+)', e + "\n", re.M)]
    assert len(ids) == len(set(ids))
