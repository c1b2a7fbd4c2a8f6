"""Anonymous work that costs the server something is bounded per client address (issue 15, item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from nyata.agreements.forms import MAX_UPLOAD
from nyata.agreements.views import VERIFY_LIMIT
from nyata.core.ratelimit import Limit, client_address
from nyata.core.views import LOGIN_LIMIT
from tests.conftest import World


def _pdf_upload(size: int = 2000) -> SimpleUploadedFile:
    return SimpleUploadedFile("pk.pdf", b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf")


def test_the_verification_page_refuses_an_oversized_upload_before_parsing_it(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[bytes] = []
    monkeypatch.setattr("nyata.agreements.views.verify_upload", lambda content: parsed.append(content) or {})
    big = _pdf_upload(MAX_UPLOAD + 200 * 1024)
    resp = Client().post(reverse("agreement_verify"), {"berkas": big})
    assert resp.status_code == 413
    assert "terlalu besar" in resp.content.decode() and "2 MB" in resp.content.decode()
    assert parsed == []


def test_a_file_just_over_the_cap_is_refused_by_the_form_too(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[bytes] = []
    monkeypatch.setattr("nyata.agreements.views.verify_upload", lambda content: parsed.append(content) or {})
    resp = Client().post(reverse("agreement_verify"), {"berkas": _pdf_upload(MAX_UPLOAD + 10)})
    assert resp.status_code == 400 and "terlalu besar" in resp.content.decode()
    assert parsed == []


def test_verification_uploads_are_limited_per_address(db: Any) -> None:
    url = reverse("agreement_verify")
    for _ in range(VERIFY_LIMIT.limit):
        assert Client(REMOTE_ADDR="10.1.0.1").post(url, {"berkas": _pdf_upload()}).status_code == 400
    refused = Client(REMOTE_ADDR="10.1.0.1").post(url, {"berkas": _pdf_upload()})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == VERIFY_LIMIT.window
    assert "coba lagi dalam 10 menit" in refused.content.decode()
    assert Client(REMOTE_ADDR="10.1.0.2").post(url, {"berkas": _pdf_upload()}).status_code == 400
    # looking a code up stays open: it costs one indexed query
    assert Client(REMOTE_ADDR="10.1.0.1").get(url, {"kode": "ZZZZZ-ZZZZZ"}).status_code == 200


def test_sign_in_attempts_are_limited_per_address(world: World) -> None:
    url = reverse("login")
    for i in range(LOGIN_LIMIT.limit):
        resp = Client(REMOTE_ADDR="10.2.0.1").post(url, {"username": f"nobody{i}", "password": "x"})
        assert resp.status_code == 200
    resp = Client(REMOTE_ADDR="10.2.0.1").post(url, {"username": "leader", "password": "Uji-Sandi-2026!"})
    assert resp.status_code == 429
    ok = Client(REMOTE_ADDR="10.2.0.9").post(url, {"username": "leader", "password": "Uji-Sandi-2026!"})
    assert ok.status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings: Any) -> None:
    rf = RequestFactory()
    spoofed = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(spoofed) == "10.9.9.9"
    settings.TRUSTED_PROXY_COUNT = 1
    # the client wrote 1.1.1.1 itself; the proxy appended the address it saw
    assert client_address(spoofed) == "203.0.113.5"
    assert client_address(rf.get("/", REMOTE_ADDR="10.9.9.9")) == "10.9.9.9"


def test_a_limit_keeps_only_a_salted_hash_of_the_address(db: Any) -> None:
    from django.core.cache import cache

    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.44")
    limit = Limit("probe", 2, 60)
    assert limit.take(request) and limit.take(request) and not limit.take(request)
    keys = list(cache._cache)  # type: ignore[attr-defined]
    assert keys and not any("192.0.2.44" in k for k in keys)
