"""On a phone (Chromium at 390 × 844), every page kind fits the screen and the menu folds away.

One page of every kind the walk reaches (tests/e2e/sample.py), each as the account that
reaches it, in Indonesian and English; one browser context per account and language. A page
fails when it scrolls sideways (the document wider than 390 px: tables scroll inside their
own wrapper, long words wrap) or when the header pushes the content below the first quarter
of the screen. A screenshot of each is kept in test-artifacts/phone/<lang>/<kind>.png.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.fixtures import ARTIFACTS
from tests.e2e.sample import bounced, open_context, sample, set_language
from tests.e2e.walk import LANGUAGES

pytestmark = pytest.mark.browser

# A mobile viewport widens itself to fit content wider than the screen, so the measure compares
# with the screen's width, not with the page's own innerWidth.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDTH = 390
# The content starts within the first quarter of the screen (it was ~500 px down before the menu folded).
HEADER_MAX = 844 // 4

MEASURE = """(screen) => {
  const main = document.querySelector('main');
  const wide = [];
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.right > screen + 1 && getComputedStyle(el).position !== 'fixed') {
      let p = el.parentElement, inside = false;
      for (; p && p !== main; p = p.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) { inside = true; break; }
      }
      if (!inside) wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    }
  }
  return {width: document.documentElement.scrollWidth, top: main ? main.getBoundingClientRect().top : 0,
          wide: wide.slice(0, 3)};
}"""


def _check_pages(browser: Any, base: str, language: str) -> tuple[list[str], int]:
    problems: list[str] = []
    count = 0
    folder = ARTIFACTS / "phone" / language
    folder.mkdir(parents=True, exist_ok=True)
    for account, pages in sample(base).items():
        if not pages:
            continue
        context = open_context(browser, base, account, **PHONE)
        set_language(context, base, language)
        page = context.new_page()
        for p in pages:
            response = page.goto(p.url)
            count += 1
            where = f"{language} {account} {p.url}"
            if response is None or response.status != 200 or bounced(account, p.url, page.url):
                problems.append(f"{where}: status {response.status if response else None}")
                continue
            m = page.evaluate(MEASURE, WIDTH)
            if m["width"] > WIDTH:
                problems.append(f"{where}: {m['width']} px wide ({', '.join(m['wide']) or 'outside main'})")
            if m["top"] > HEADER_MAX:
                problems.append(f"{where}: content starts {m['top']:.0f} px down")
            page.screenshot(path=str(folder / f"{p.name}.png"), full_page=True)
        context.close()
    return problems, count


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_kind_fits_a_phone(browser: Any, demo_server: str, language: str) -> None:
    sample(demo_server)  # the walk, shared with the other browser tests, is not timed here
    started = time.monotonic()
    problems, count = _check_pages(browser, demo_server, language)
    print(f"phone {language}: {count} pages in {time.monotonic() - started:.1f} s")
    assert count >= 60, f"only {count} pages sampled: the walk reached too few page kinds"
    assert problems == []


def _menu(page: Any) -> tuple[Any, Any]:
    return page.get_by_role("button", name="Menu"), page.locator("#menu")


@pytest.mark.parametrize("account", ["gubernur", "operator.dinkes"])
def test_the_menu_folds_behind_one_button_and_opens_with_the_keyboard(
    browser: Any, demo_server: str, account: str
) -> None:
    context = open_context(browser, demo_server, account, **PHONE)
    set_language(context, demo_server, "id")
    page = context.new_page()
    page.goto("/keamanan/")
    button, menu = _menu(page)
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible()
    assert page.locator("main").bounding_box()["y"] < 100

    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.get_by_role("link", name="Beranda").is_visible()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "menu"

    page.keyboard.press("Space")
    assert menu.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not button.is_visible() and menu.is_visible()  # wide screens: the menu is always open
    context.close()


def test_without_javascript_the_menu_stays_open(browser: Any, demo_server: str) -> None:
    context = open_context(browser, demo_server, "inspektur", java_script_enabled=False, **PHONE)
    set_language(context, demo_server, "id")
    page = context.new_page()
    page.goto("/keamanan/")
    button, menu = _menu(page)
    assert not button.is_visible()
    assert menu.is_visible() and menu.get_by_role("link", name="Verifikasi").is_visible()
    context.close()


def test_the_check_sees_a_page_wider_than_the_phone(browser: Any, demo_server: str) -> None:
    """The measure can fail: a block wider than the screen inside main widens the page and is named."""
    context = browser.new_context(base_url=demo_server, bypass_csp=True, **PHONE)
    page = context.new_page()
    page.goto("/masuk/")
    assert page.evaluate(MEASURE, WIDTH)["width"] <= WIDTH
    wide = '<div style="width: 600px">x</div>'
    page.evaluate("html => document.querySelector('main').insertAdjacentHTML('beforeend', html)", wide)
    m = page.evaluate(MEASURE, WIDTH)
    context.close()
    assert m["width"] > WIDTH and "div" in m["wide"]
