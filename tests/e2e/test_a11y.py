"""Accessibility: axe-core finds no serious or critical WCAG 2.1 AA violation on any page kind.

axe-core is vendored (tests/e2e/vendor/axe-core, from its npm package; no CDN) and injected
by Playwright. The app's Content-Security-Policy allows only its own scripts, so the axe
contexts (and only they) bypass CSP to run the injected script; the pages are otherwise
served exactly as to a user. Same sample as the phone check (tests/e2e/sample.py), in
Indonesian and English, one browser context per account and language. No rule is disabled.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.sample import bounced, open_context, sample, set_language
from tests.e2e.walk import LANGUAGES

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN, TAGS)
    return [v for v in found if v["impact"] in BLOCKING]


def _check_pages(browser: Any, base: str, language: str) -> tuple[list[str], int]:
    problems: list[str] = []
    count = 0
    for account, pages in sample(base).items():
        if not pages:
            continue
        context = open_context(browser, base, account, bypass_csp=True, viewport={"width": 1280, "height": 900})
        set_language(context, base, language)
        page = context.new_page()
        for p in pages:
            response = page.goto(p.url)
            count += 1
            if response is None or response.status != 200 or bounced(account, p.url, page.url):
                problems.append(f"{language} {account} {p.url}: status {response.status if response else None}")
                continue
            for v in violations(page):
                problems.append(
                    f"{language} {account} {p.url}: {v['impact']} {v['id']} ({v['help']}) at {'; '.join(v['targets'])}"
                )
        context.close()
    return problems, count


def test_axe_is_the_vendored_build() -> None:
    version = (AXE.parent / "VERSION").read_text()
    assert AXE.stat().st_size > 100_000 and "axe-core 4." in version
    assert (AXE.parent / "LICENSE").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_or_critical_violation_on_any_page_kind(browser: Any, demo_server: str, language: str) -> None:
    sample(demo_server)  # the walk, shared with the other browser tests, is not timed here
    started = time.monotonic()
    problems, count = _check_pages(browser, demo_server, language)
    print(f"axe {language}: {count} pages in {time.monotonic() - started:.1f} s")
    assert count >= 60, f"only {count} pages sampled: the walk reached too few page kinds"
    assert problems == []


def test_axe_catches_an_unlabelled_control(browser: Any, demo_server: str) -> None:
    """The check can fail: a form control without a name is reported."""
    context = browser.new_context(base_url=demo_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/masuk/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<select></select>')")
    ids = {v["id"] for v in violations(page)}
    context.close()
    assert "select-name" in ids
