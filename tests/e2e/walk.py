"""The walk: every demo account (and an anonymous visitor) clicks through the served demo.

Breadth-first over same-origin links, GET only, over plain HTTP (a real login POST
through the form, then `requests` with that session's cookies): rendering every page
in a browser would take an order of magnitude longer, and what the walk checks is the
HTML the server sends. Bounded: at most `MAX_PAGES` pages per account and language,
and at most `PER_KIND` pages of one *kind* (the path with its numbers replaced by N),
so one long list cannot eat the budget of the others.

`walk_demo(base)` walks every account in both languages once per test session and
returns one `Walk` per (account, language): the pages visited (url, kind, status) and
the problems seen on them. Other browser tests (phone layout, axe) import it to pick
one page of each kind.

What counts as a problem (see `page_problems`):
- any 5xx;
- a link shown to the user that answers 403 or 404 for that user;
- a snake_case code in the visible text (every code a person sees has a label);
- a year printed with a thousands separator ("2.026", "2,026");
- on an English page, a common Indonesian UI word in the chrome (headings, labels,
  buttons, table headers, navigation, badges) — data such as agency names stay Indonesian;
- a number in the other language's convention (a decimal comma on an English page,
  comma-grouped thousands on an Indonesian one).
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import requests

from tests.e2e.fixtures import signed_in_cookies

ANONYMOUS = "anonim"
ACCOUNTS = (
    "gubernur",
    "admin",
    "bappeda",
    "inspektur",
    "kadinkes",
    "operator.dinkes",
    "operator.pubmtr",
    "admin.banyuasin",
    "operator.banyuasin",
    "platform",
    ANONYMOUS,
)
LANGUAGES = ("id", "en")
MAX_PAGES = 300
PER_KIND = 3
PER_DOWNLOAD_KIND = 1
# Where each walk starts: an account at its home page; the anonymous visitor at the public portal
# and at the pages reached from outside (the login link, a scanned QR code on a signed PK).
# The platform operator's home is the platform page ("/" sends it there).
START = {
    ANONYMOUS: ("/publik/", "/masuk/", "/sandi/lupa/", "/perjanjian/verifikasi/"),
    "platform": ("/platform/",),
}

# Never followed: they end the session, change the language, or are not pages.
SKIP_PREFIXES = ("/keluar/", "/i18n/", "/publik/bahasa/", "/static/", "/media/", "/api/", "/sandi/atur/")
# Files, not pages: fetched (status checked) once per kind, never parsed.
DOWNLOAD_SUFFIXES = (".pdf", ".xlsx", ".csv", ".zip", ".docx", ".json", ".png", ".svg", ".ods")

SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
YEAR_WITH_SEPARATOR = re.compile(r"(?<![\d.,])2[.,]0\d\d(?!\d|[.,]\d)")
DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+,\d{1,2}(?![\d.,]*\d)")
COMMA_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3}){2,}(?![\d])")
DOT_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3}){2,}(?![\d])")
# Common words of Nyata's Indonesian chrome that no English page should show outside data.
INDONESIAN_UI_WORDS = frozenset(
    {
        "Simpan", "Ajukan", "Belum", "Sangat", "Tinggi", "Rendah", "Sedang", "Kembali", "Tahun",
        "Triwulan", "Ubah", "Tambah", "Hapus", "Unduh", "Lihat", "Semua", "Batal", "Kirim",
        "Beranda", "Keluar", "Capaian", "Realisasi", "Riwayat", "Daftar", "Menunggu", "Disetujui",
        "Ditolak", "Diajukan", "Terkunci", "Kosong", "Tidak", "Ya", "Sasaran", "Tujuan", "Kegiatan",
        "Keterangan", "Pilih", "Cari", "Bobot", "Kategori",
    }
)
# The chrome: where the product speaks. Not the page title (h1) nor the breadcrumbs, which name
# the object shown (an indicator "Jumlah inovasi ...", an agency "Satuan Polisi Pamong Praja").
CHROME_XPATH = (
    "//h2|//h3|//h4|//h5|//h6|//label|//button|//th[@scope='col']|//nav[not(contains(@class, 'crumbs'))]"
    "|//legend|//caption|//summary"
    "|//*[contains(concat(' ', normalize-space(@class), ' '), ' badge ')]"
    "|//*[contains(concat(' ', normalize-space(@class), ' '), ' tag ')]"
    "|//*[contains(concat(' ', normalize-space(@class), ' '), ' status ')]"
)


@dataclass(frozen=True)
class Visit:
    url: str  # path and query, relative to the server
    kind: str
    status: int
    referrer: str
    html: bool


@dataclass
class Walk:
    account: str
    language: str
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped_kinds: Counter[str] = field(default_factory=Counter)  # links left out by PER_KIND

    @property
    def kinds(self) -> set[str]:
        return {v.kind for v in self.visits}


def kind_of(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


def is_download(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(DOWNLOAD_SUFFIXES)


def login(base: str, username: str) -> requests.Session:
    """A session of the account's one sign-in per test session (through the real form and, where the
    role asks for it, the code step: fixtures.signed_in_cookies), like a person would."""
    s = requests.Session()
    if username == ANONYMOUS:
        return s
    for name, value in signed_in_cookies(base, username):
        s.cookies.set(name, value)
    return s


def visible_text(doc: lxml.html.HtmlElement) -> str:
    return " ".join(doc.itertext())


def _tokens(text: str) -> Iterable[str]:
    for raw in text.split():
        yield raw.strip("()[]{}<>,;:!?\"'`«»“”‘’·…")


def page_problems(html: str, language: str) -> list[str]:
    """What is wrong in the text a person sees on one page (empty: nothing)."""
    doc = lxml.html.fromstring(html)
    # Text a person wrote (a project's description, marked `data-text`; what a form field holds) is
    # data, whatever its numbers.
    for el in doc.xpath("//script|//style|//template|//noscript|//textarea|//*[@data-text]"):
        el.drop_tree()
    body = doc.find("body")
    root = body if body is not None else doc
    text = visible_text(root)
    found: list[str] = []
    codes = sorted({t for t in _tokens(text) if SNAKE.match(t) and not {"@", "/", "."} & set(t)})
    if codes:
        found.append("raw codes: " + ", ".join(codes[:8]))
    years = sorted(set(YEAR_WITH_SEPARATOR.findall(text)))
    if years:
        found.append("years with a thousands separator: " + ", ".join(years[:5]))
    if language == "en":
        chrome = " ".join(" ".join(el.itertext()) for el in root.xpath(CHROME_XPATH))
        words = sorted({t for t in _tokens(chrome) if t in INDONESIAN_UI_WORDS})
        if words:
            found.append("Indonesian UI words on an English page: " + ", ".join(words[:8]))
        numbers = _numbers_text(root)
        commas = sorted(set(DECIMAL_COMMA.findall(numbers)) | set(DOT_THOUSANDS.findall(numbers)))
        if commas:
            found.append("Indonesian number formats on an English page: " + ", ".join(commas[:5]))
    else:
        english = sorted(set(COMMA_THOUSANDS.findall(_numbers_text(root))))
        if english:
            found.append("English number formats on an Indonesian page: " + ", ".join(english[:5]))
    return found


# Where the product prints numbers: number cells, facts (dd, strong) and chart labels. Free text
# (a milestone named "lahan 59,95 ha") is data in whatever convention its author wrote.
NUMBERS_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' num ')]|//dd|//strong|//*[local-name()='text']"
)


def _numbers_text(root: lxml.html.HtmlElement) -> str:
    return " ".join(" ".join(el.itertext()) for el in root.xpath(NUMBERS_XPATH))


def _links(html: str, page_url: str, base: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    out: list[str] = []
    origin = urlsplit(base)
    for href in doc.xpath("//a/@href"):
        href = str(href).strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urldefrag(urljoin(base + page_url, href))[0]
        parts = urlsplit(absolute)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            continue
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def walk(base: str, account: str, language: str, session: requests.Session | ClientSession | None = None) -> Walk:
    """Walk the served site as one account in one language."""
    started = time.monotonic()
    s = session if session is not None else login(base, account)
    s.cookies.set("django_language", language, domain=urlsplit(base).hostname or "")
    result = Walk(account, language)
    starts = START.get(account, ("/",))
    queue: deque[tuple[str, str]] = deque((start, "") for start in starts)
    seen = set(starts)
    per_kind: Counter[str] = Counter(kind_of(start) for start in starts)
    while queue and len(result.visits) < MAX_PAGES:
        url, referrer = queue.popleft()
        kind = kind_of(url)
        r = s.get(base + url, allow_redirects=False, timeout=120, stream=True)
        ctype = r.headers.get("Content-Type", "")
        html = ctype.startswith("text/html") and not is_download(url)
        body = r.text if html else ""
        r.close()
        result.visits.append(Visit(url, kind, r.status_code, referrer, html))
        where = f"{account}/{language} {url}" + (f" (linked from {referrer})" if referrer else "")
        if r.status_code >= 500:
            result.problems.append(f"{where}: {r.status_code}")
            continue
        if r.status_code in (403, 404) and referrer:
            result.problems.append(f"{where}: a link this user cannot open ({r.status_code})")
            continue
        targets: list[str] = []
        if r.status_code in (301, 302, 303, 307, 308):
            location = r.headers.get("Location", "")
            targets = _links(f'<a href="{location}"></a>', url, base) if location else []
        elif html and r.status_code == 200:
            result.problems.extend(f"{where}: {p}" for p in page_problems(body, language))
            targets = _links(body, url, base)
        for target in targets:
            if target in seen:
                continue
            seen.add(target)
            k = kind_of(target)
            cap = PER_DOWNLOAD_KIND if is_download(target) else PER_KIND
            if per_kind[k] >= cap:
                result.skipped_kinds[k] += 1
                continue
            per_kind[k] += 1
            queue.append((target, url))
    result.seconds = time.monotonic() - started
    return result


_cache: dict[str, dict[tuple[str, str], Walk]] = {}
_lock = threading.Lock()


def walk_demo(base: str, accounts: Iterable[str] = ACCOUNTS, workers: int = 2) -> dict[tuple[str, str], Walk]:
    """Every account in both languages, walked once per test session (later callers share it).

    One login per account serves both languages (the language is a cookie), which keeps
    the walk well inside the login form's per-address limit.
    """
    with _lock:
        if base in _cache:
            return _cache[base]

        def one(account: str) -> list[Walk]:
            s = login(base, account)
            return [walk(base, account, lang, s) for lang in LANGUAGES]

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = {(w.account, w.language): w for ws in pool.map(one, list(accounts)) for w in ws}
        _cache[base] = results
        return results


class ClientSession:
    """Django's test Client dressed as the `requests` session `walk` expects: the same walk, in process.

    For tests that walk a tiny world (and can break a template on purpose) without a server.
    """

    class _Cookies:
        def __init__(self, client: Any) -> None:
            self.client = client

        def set(self, name: str, value: str, domain: str = "") -> None:
            self.client.cookies[name] = value

    class _Response:
        def __init__(self, resp: Any) -> None:
            self.status_code = resp.status_code
            self.headers = resp.headers
            self.text = resp.content.decode(errors="replace") if not getattr(resp, "streaming", False) else ""

        def close(self) -> None:
            pass

    def __init__(self, client: Any) -> None:
        self.client = client
        self.cookies = self._Cookies(client)

    def get(self, url: str, **_options: Any) -> ClientSession._Response:
        return self._Response(self.client.get(url))
