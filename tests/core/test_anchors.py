"""The chain head anchored outside the database (issue 15 item 7).

With the database's guard off, three tampers leave a chain that is consistent with itself and that
`audit verify` passed: the last event deleted (head rewound with it), several events deleted and
the head rewound, one event rewritten and every later hash recomputed. Each is caught by an anchor
taken before, and verify names the first event after the last anchor that still matches. An
anchors file edited, cut or forged is named too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from nyata.core import actions, anchors, audit, security_events
from nyata.core.models import Agency, AuditEvent, SecurityEvent
from nyata.core.tenancy import tenant_scope, unscoped
from tests.conftest import World
from tests.tampering import rewrite_and_rehash, tamper


def _add_events(world: World, n: int) -> None:
    with tenant_scope(world.a):
        agency = Agency.objects.get(code="A1")
        for i in range(n):
            agency.name = f"Dinas Satu {i}"
            actions.record_save(actor=world.users["perf_admin"], obj=agency)


def _events(world: World) -> list[AuditEvent]:
    with unscoped():
        return list(AuditEvent.objects.filter(pemda=world.a).order_by("seq"))


def _anchor(code: str = "99") -> None:
    call_command("audit", "anchor", "--pemda", code, stdout=StringIO())


def _rewind_head_to(world: World, event: AuditEvent) -> None:
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE pemda_id = %s",
                    [event.seq, event.hash, world.a.pk])


def _verify_fails(code: str = "99") -> str:
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--pemda", code, stdout=StringIO(), stderr=err)
    return err.getvalue()


def _lines(world: World) -> list[bytes]:
    return anchors.path_for(world.a).read_bytes().splitlines()


# --- writing ----------------------------------------------------------------------------------


def test_anchor_appends_each_pemdas_signed_head_linked_to_the_line_before(world: World) -> None:
    call_command("audit", "anchor", stdout=StringIO())
    _add_events(world, 2)
    call_command("audit", "anchor", stdout=StringIO())
    path = anchors.path_for(world.a)
    assert path.stat().st_mode & 0o777 == 0o600
    assert anchors.path_for(world.b).is_file()
    first, second = (json.loads(line) for line in _lines(world))
    last = _events(world)[-1]
    assert (second["seq"], second["event_id"], second["hash"], second["prev_hash"], second["events"]) == (
        last.seq, last.pk, last.hash, last.prev_hash, last.seq)
    assert first["prev_line"] == "0" * 64
    assert second["prev_line"] == hashlib.sha256(_lines(world)[0]).hexdigest()
    cert = x509.load_der_x509_certificate(base64.b64decode(second["cert"]))
    assert second["cert_sha256"] == cert.fingerprint(hashes.SHA256()).hex()
    assert second["sig"]
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"latest seq {last.seq}" in out.getvalue() and "utuh" in out.getvalue()
    # Each anchor is a use of the seal, a security event of its Pemda.
    assert SecurityEvent.objects.filter(chain=world.a.pk, action=security_events.SEAL_USED).count() == 2


def test_verify_without_anchors_says_so_and_still_checks_the_chain(world: World) -> None:
    out = StringIO()
    call_command("audit", "verify", "--pemda", "99", stdout=out)
    assert "no anchors yet" in out.getvalue() and "utuh" in out.getvalue()
    last = _events(world)[-1]
    tamper("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["Palsu", last.pk])
    assert "altered" in _verify_fails()
    assert SecurityEvent.objects.filter(chain=world.a.pk, action=security_events.AUDIT_BROKEN).exists()
    assert not SecurityEvent.objects.filter(chain=world.b.pk, action=security_events.AUDIT_BROKEN).exists()


def test_anchor_refuses_a_chain_that_does_not_verify(world: World) -> None:
    _anchor()
    event = _events(world)[2]
    tamper("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["Palsu", event.pk])
    with pytest.raises(CommandError, match="not anchored"):
        call_command("audit", "anchor", "--pemda", "99", stdout=StringIO(), stderr=StringIO())
    assert len(_lines(world)) == 1
    # The break is a security event (alerted), for the performance admins to see.
    broken = SecurityEvent.objects.get(chain=world.a.pk, action=security_events.AUDIT_BROKEN)
    assert f"seq {event.seq}" in broken.data["break"]


def test_an_anchor_in_production_is_signed_with_the_pemdas_own_seal(world: World, production_seal: None) -> None:
    _anchor()
    assert audit.verify("99") == []
    assert json.loads(_lines(world)[0])["seq"] == _events(world)[-1].seq


def test_production_without_a_seal_writes_no_anchor(world: World, settings: Any) -> None:
    settings.PRODUCTION, settings.SEAL_P12 = True, ""
    with pytest.raises(CommandError):
        call_command("audit", "anchor", "--pemda", "99", stdout=StringIO(), stderr=StringIO())
    assert not anchors.path_for(world.a).exists()


# --- the tampers verify missed ----------------------------------------------------------------


def test_the_last_event_deleted_with_the_head_rewound_is_named(world: World) -> None:
    _anchor()
    events = _events(world)
    last = events[-1]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    _rewind_head_to(world, events[-2])
    breaks = audit.verify("99")
    assert len(breaks) == 1  # the chain alone is consistent: only the anchor tells
    assert (breaks[0].seq, breaks[0].event_id) == (last.seq, last.pk)
    message = _verify_fails()
    assert f"seq {last.seq} (event id {last.pk})" in message and "gone" in message


def test_the_last_event_deleted_is_named_by_its_anchor(world: World) -> None:
    _anchor()
    last = _events(world)[-1]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    assert any((b.seq, b.event_id) == (last.seq, last.pk) for b in audit.verify("99"))


def test_a_head_rewound_past_an_anchor_names_the_first_event_after_the_last_good_one(world: World) -> None:
    _anchor()
    kept = _events(world)[-1]
    _add_events(world, 4)
    _anchor()
    tamper("DELETE FROM core_auditevent WHERE pemda_id = %s AND seq > %s", [world.a.pk, kept.seq])
    _rewind_head_to(world, kept)
    breaks = audit.verify("99")
    assert len(breaks) == 1
    assert breaks[0].seq == kept.seq + 1
    assert "events deleted, head rewound" in breaks[0].reason and f"Last good anchor point: seq {kept.seq}" in (
        breaks[0].reason)


def test_a_rewritten_and_rehashed_chain_is_caught_by_the_anchor(world: World) -> None:
    _anchor()
    good = _events(world)[-1]
    _add_events(world, 5)
    _anchor()
    _add_events(world, 1)  # events after the latest anchor: not vouched for, not blamed either
    rewrite_and_rehash(world.a.pk, good.seq + 3)
    breaks = audit.verify("99")
    assert len(breaks) == 1
    first_after = _events(world)[good.seq]  # seq good.seq + 1
    assert (breaks[0].seq, breaks[0].event_id) == (good.seq + 1, first_after.pk)
    assert "rewritten" in breaks[0].reason
    assert f"seq {good.seq + 1} (event id {first_after.pk})" in _verify_fails()


def test_the_other_pemdas_chain_and_anchors_are_untouched(world: World) -> None:
    call_command("audit", "anchor", stdout=StringIO())
    rewrite_and_rehash(world.a.pk, 2)
    assert audit.verify("98.01") == []
    assert len(audit.verify("99")) == 1


# --- the anchors file itself ------------------------------------------------------------------


def _two_anchors(world: World) -> Path:
    _anchor()
    _add_events(world, 1)
    _anchor()
    return anchors.path_for(world.a)


def test_an_edited_anchor_line_is_caught(world: World) -> None:
    path = _two_anchors(world)
    lines = _lines(world)
    doc = json.loads(lines[1])
    doc["seq"] -= 1  # to make a rewound head look anchored
    path.write_bytes(lines[0] + b"\n" + json.dumps(doc).encode() + b"\n")
    message = _verify_fails()
    assert "anchors file" in message and "line 2: the seal signature does not match" in message


def test_a_removed_anchor_line_is_caught(world: World) -> None:
    path = _two_anchors(world)
    path.write_bytes(_lines(world)[1] + b"\n")
    message = _verify_fails()
    assert "line 1 does not link to line 0" in message


def test_a_cut_anchor_line_is_caught(world: World) -> None:
    path = _two_anchors(world)
    content = path.read_bytes()
    path.write_bytes(content[:-40])
    assert "line 2 is cut short" in _verify_fails()


def test_an_anchor_signed_with_another_key_is_caught(world: World) -> None:
    path = _two_anchors(world)
    lines = _lines(world)
    doc = json.loads(lines[1])
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Segel Palsu")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    doc.update(cert=base64.b64encode(der).decode(), cert_sha256=hashlib.sha256(der).hexdigest())
    body = {k: doc[k] for k in anchors.SIGNED_FIELDS}
    doc["sig"] = base64.b64encode(key.sign(anchors._canonical(body), ec.ECDSA(hashes.SHA256()))).decode()
    path.write_bytes(lines[0] + b"\n" + anchors._canonical(doc) + b"\n")
    assert "line 2 is signed by a certificate that is not the Pemda's seal" in _verify_fails()


# --- on demand, from the security events page ---------------------------------------------------


def test_a_performance_admin_anchors_now_and_the_request_is_audited(world: World) -> None:
    from django.urls import reverse

    admin = world.client("perf_admin")
    assert "Belum ada jangkar" in admin.get(reverse("security_event_list")).content.decode()
    resp = admin.post(reverse("audit_anchor"))
    assert resp.status_code == 302 and resp["Location"] == reverse("security_event_list")
    with unscoped():
        asked = AuditEvent.objects.get(pemda=world.a, action="nyata.audit.anchor_requested")
    assert asked.actor_id == world.users["perf_admin"].pk
    line = json.loads(_lines(world)[0])
    assert (line["seq"], line["event_id"], line["by"]) == (asked.seq, asked.pk, "perf_admin")  # it covers the request
    page = admin.get(reverse("security_event_list")).content.decode()
    assert f"Jangkar terakhir: peristiwa #{asked.seq} · {asked.hash[:12]}…" in page
    with translation.override("en"):
        assert translation.gettext("Jangkar terakhir: peristiwa #%(seq)s · %(hash)s… · %(at)s").startswith("Latest")
    assert not anchors.path_for(world.b).exists()  # only the admin's own Pemda


def test_anchoring_a_broken_chain_from_the_page_is_refused_with_the_reason(world: World) -> None:
    from django.urls import reverse

    event = _events(world)[1]
    tamper("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["Palsu", event.pk])
    resp = world.client("perf_admin").post(reverse("audit_anchor"), follow=True)
    assert "Rantai audit tidak utuh, jangkar tidak dibuat" in resp.content.decode()
    assert f"seq {event.seq}" in resp.content.decode()
    assert not anchors.path_for(world.a).exists()
    with unscoped():
        assert not AuditEvent.objects.filter(action="nyata.audit.anchor_requested").exists()


def test_an_unreadable_anchors_file_is_said_not_a_server_error(world: World) -> None:
    from django.urls import reverse

    anchors.path_for(world.a).mkdir(parents=True)  # what an unmounted or wrongly set-up mount looks like
    assert "cannot be read" in _verify_fails()
    page = world.client("perf_admin").get(reverse("security_event_list"))
    assert page.status_code == 200 and "Berkas jangkar bermasalah" in page.content.decode()


def test_the_last_anchor_lines_removed_are_caught_by_the_security_log(world: World) -> None:
    """A file cannot prove its own tail; the security log remembers each line written (an
    attacker at the anchors mount without the database, or without rewriting both, is found)."""
    path = _two_anchors(world)
    _add_events(world, 1)
    _anchor()
    kept = _lines(world)[:1]
    path.write_bytes(b"\n".join(kept) + b"\n")
    message = _verify_fails()
    assert "line 2" in message and "missing from the file: its last lines were removed" in message


def test_a_restore_into_a_new_place_without_the_anchors_file_is_told_not_failed(world: World, settings: Any,
                                                                                tmp_path: Path) -> None:
    _anchor()
    settings.AUDIT_ANCHOR_DIR = tmp_path / "elsewhere"
    out = StringIO()
    call_command("audit", "verify", "--pemda", "99", stdout=out)
    assert "no anchors yet" in out.getvalue() and "the security log records 1 anchor(s)" in out.getvalue()
