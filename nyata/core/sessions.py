"""Django's database sessions, read with one plain statement.

Every request reads its session; through the ORM that read cost about as much CPU as
the rest of a deadline-day save's queries together. Writing, expiry and cleanup stay
Django's own (`clearsessions` works unchanged). Set as SESSION_ENGINE.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from nyata.core.rawrows import fetch, qn


@functools.cache
def _sql() -> str:
    from django.contrib.sessions.models import Session

    meta = Session._meta
    return (
        f"SELECT {qn(meta.get_field('session_data').column)} FROM {qn(meta.db_table)}"
        f" WHERE {qn(meta.get_field('session_key').column)} = %s AND {qn(meta.get_field('expire_date').column)} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key: str | None = self.session_key
        rows = fetch(_sql(), [key, connection.ops.adapt_datetimefield_value(timezone.now())]) if key else []
        if not rows or key is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=rows[0][0])
