"""Named stand-ins for `Any` where no precise type is right, each saying why.

mypy checks nothing behind these names. They exist so that a signature says what kind of
loose value it carries, and so that tests/core/test_typing_hygiene.py can tell a deliberate
`Any` from a forgotten one: a public signature names one of these or a precise type.
"""

from __future__ import annotations

from typing import Any, TypeAlias

# A JSON value or object as sent by the API or kept in the audit log and in files. Its shape
# is checked by the route's ninja schema and its tests, not by mypy: a recursive union would
# need an isinstance() at every read of a key the code itself just wrote.
JSONValue: TypeAlias = Any
JSONObject: TypeAlias = dict[str, Any]

# The context of a template: each template reads its own keys, of any type.
TemplateContext: TypeAlias = dict[str, Any]

# A bound form's cleaned_data (django-stubs types it so): each value has its field's type.
FormData: TypeAlias = dict[str, Any]

# What a template hands a filter or tag: whatever the view put in the context (a number, a
# model, None, a string); the filter decides what it can show.
TemplateValue: TypeAlias = Any

# A raw value as a person or a file gave it: a spreadsheet cell (str, int, float, date or None
# from openpyxl), a form or JSON field. The reader that takes it is what checks it.
RawValue: TypeAlias = Any
