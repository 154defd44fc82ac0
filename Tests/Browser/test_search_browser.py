"""Search in a real browser: headless Chromium on the built sample site, over a local
HTTP server and over file://. Run: python3 -m pytest Tests/Browser -q  (make test does).

Queries rely on the sample content in Content/ ("refund" finds the Refunds section of
Renewals and Refunds, "permit" spans several books and page types)."""
import shutil
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ARTIFACTS, Site

TIMEOUT = 15


def wait(driver, cond, message, timeout=TIMEOUT):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: cond(d), message)


def console_errors(driver):
    # Chromium asks every HTTP site for /favicon.ico on its own; the theme ships none, so
    # that 404 is the browser's request, not the page's (reported, not counted).
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"
            and not (e.get("source") == "network" and "/favicon.ico " in e.get("message", ""))]


def js(driver, script, *args):
    return driver.execute_script(script, *args)


def dropdown_state(driver):
    """What the header dropdown shows right now, read in one script call."""
    return js(driver, """
        var list = document.getElementById('search-results');
        if (!list) return null;
        return {
          hidden: list.hidden,
          expanded: document.getElementById('search-input').getAttribute('aria-expanded'),
          text: list.textContent,
          groups: Array.prototype.map.call(list.querySelectorAll('.search-group'), function (g) {
            return { title: g.querySelector('.search-group-title').textContent,
                     options: g.querySelectorAll('[role=option]').length,
                     marks: g.querySelectorAll('mark').length };
          }),
          options: list.querySelectorAll('[role=option]').length,
          error: (list.querySelector('.search-error') || {}).textContent || null,
          status: document.getElementById('search-status').textContent
        };""")


def type_query(driver, site, query, path=""):
    """Open a page, focus the header box (starts the prefetch), type the query and wait
    until the dropdown shows the answer to exactly this query (results, none, or an error)."""
    driver.get(site.url(path))
    box = driver.find_element(By.ID, "search-input")
    box.click()
    box.send_keys(query)

    def answered(d):
        s = dropdown_state(d)
        if not s or s["hidden"]:
            return False
        return s["error"] or ("\u201c" + query.strip() + "\u201d") in s["text"]
    wait(driver, answered, f"the dropdown never answered {query!r}")
    return box


def assert_no_console_errors(driver):
    errors = console_errors(driver)
    assert errors == [], "console errors:\n" + "\n".join(e["message"] for e in errors)


# ---------------------------------------------------------------- header dropdown

def test_dropdown_shows_grouped_results(browser, site):
    type_query(browser, site, "refund", "parking-permits/")
    s = dropdown_state(browser)
    assert s["expanded"] == "true"
    assert len(s["groups"]) >= 2, s
    assert all(1 <= g["options"] <= 3 for g in s["groups"]), s["groups"]
    assert "Renewals and Refunds" in [g["title"] for g in s["groups"]]
    assert sum(g["marks"] for g in s["groups"]) > 0, "snippets have no highlighted words"
    assert "result" in s["status"] and "page" in s["status"], s["status"]
    marks = [m.lower() for m in js(browser, "return Array.prototype.map.call(document.querySelectorAll('#search-results mark'), function (m) { return m.textContent; });")]
    assert all(m.startswith("refund") for m in marks), marks
    if site.mode == "http":
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "dropdown.png"))
    # Escape closes the listbox.
    browser.find_element(By.ID, "search-input").send_keys(Keys.ESCAPE)
    wait(browser, lambda d: dropdown_state(d)["hidden"], "Escape did not close the dropdown")
    assert_no_console_errors(browser)


def test_keyboard_opens_highlighted_section(browser, site):
    box = type_query(browser, site, "refund", "parking-permits/")
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "search-option-0"
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "search-option-1"
    box.send_keys(Keys.ARROW_UP)
    first = browser.find_element(By.ID, "search-option-0")
    assert first.get_attribute("aria-selected") == "true"
    target = first.get_attribute("href")
    parts = urlsplit(target)
    assert parts.fragment, f"the first result should be a section: {target}"
    assert parse_qs(parts.query).get("q") == ["refund"], target
    if site.mode == "file":
        assert target.startswith("file://") and parts.path.endswith("/index.html"), target

    box.send_keys(Keys.ENTER)
    wait(browser, lambda d: d.current_url == target, f"Enter did not open {target}")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "mark.search-landing"), "no landing highlights")
    marks = [m.lower() for m in js(browser, "return Array.prototype.map.call(document.querySelectorAll('mark.search-landing'), function (m) { return m.textContent; });")]
    assert marks and all(m.startswith("refund") for m in marks), marks
    section_id = unquote(parts.fragment)
    top = js(browser, "var e = document.getElementById(arguments[0]); return e ? e.getBoundingClientRect().top : null;", section_id)
    assert top is not None, f"no element #{section_id}"
    assert -2 <= top < js(browser, "return window.innerHeight;"), f"#{section_id} is not in view (top {top})"

    bar = browser.find_element(By.CSS_SELECTOR, ".search-landing-bar")
    assert "refund" in bar.text
    bar.find_element(By.CSS_SELECTOR, "button.search-landing-clear").click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "mark.search-landing, .search-landing-bar"), "highlights were not removed")
    after = urlsplit(browser.current_url)
    assert "q" not in parse_qs(after.query) and after.fragment == parts.fragment, browser.current_url
    assert_no_console_errors(browser)


# ---------------------------------------------------------------- the /search/ page

def search_page_state(driver):
    return js(driver, """
        var facets = {};
        document.querySelectorAll('#search-filters input[type=checkbox]').forEach(function (cb) {
          facets[cb.id] = { checked: cb.checked, count: +cb.parentNode.querySelector('.count').textContent };
        });
        return {
          status: document.getElementById('search-page-status').textContent,
          hits: Array.prototype.map.call(document.querySelectorAll('#search-page-results .search-hit h2 a'), function (a) { return a.getAttribute('href'); }),
          error: (document.querySelector('#search-page-results .search-error') || {}).textContent || null,
          facets: facets
        };""")


def open_search_page(driver, site, query):
    driver.get(site.url("search/", "?" + query))
    wait(driver, lambda d: (lambda s: s["error"] or " on " in s["status"] or "No results" in s["status"])(search_page_state(d)),
         f"the search page never answered {query}")
    return search_page_state(driver)


def test_search_page_book_filter_narrows(browser, site):
    s = open_search_page(browser, site, "q=permit")
    assert s["error"] is None, s["error"]
    book = s["facets"].get("facet-book-parking-permits")
    assert book and not book["checked"] and book["count"] >= 2, s["facets"]
    assert any("parking-permits/" not in h for h in s["hits"]), "the query should span several books"
    total = len(s["hits"])

    browser.find_element(By.ID, "facet-book-parking-permits").click()

    def narrowed(d):
        st = search_page_state(d)
        return st["hits"] and all("parking-permits/" in h for h in st["hits"]) and st
    s = wait(browser, narrowed, "the book filter did not narrow the results")
    assert len(s["hits"]) == book["count"] < total, (len(s["hits"]), book, total)
    assert s["facets"]["facet-book-parking-permits"]["checked"]
    assert parse_qs(urlsplit(browser.current_url).query) == {"q": ["permit"], "book": ["parking-permits"]}
    assert_no_console_errors(browser)


def test_search_page_type_filter_from_url(browser, site):
    s = open_search_page(browser, site, "q=permit&type=release")
    assert s["error"] is None, s["error"]
    assert s["facets"]["facet-type-release"]["checked"]
    assert s["hits"] and all("releases/" in h for h in s["hits"]), s["hits"]
    assert len(s["hits"]) == s["facets"]["facet-type-release"]["count"]
    if site.mode == "file":
        assert all(h.startswith("file://") and "index.html" in h for h in s["hits"]), s["hits"]
    assert_no_console_errors(browser)


# ---------------------------------------------------------------- a broken index

@pytest.mark.parametrize("kind,where", [("manifest", "manifest.json"), ("shard", "t-")])
def test_corrupt_index_shows_a_message(browser, corrupt_sites, kind, where):
    site = corrupt_sites[kind]
    type_query(browser, site, "permit")
    s = dropdown_state(browser)
    assert s["error"], f"no error message in the dropdown: {s}"
    assert s["error"].startswith("Search is unavailable: ") and where in s["error"], s["error"]
    assert "tome build" in s["error"], s["error"]
    assert browser.find_element(By.CSS_SELECTOR, "#search-results .search-error").is_displayed()
    logged = [e["message"] for e in console_errors(browser)]
    assert any("Tome search:" in m and where in m for m in logged), logged

    p = open_search_page(browser, site, "q=permit")
    assert p["error"] and where in p["error"], p
    assert browser.find_element(By.CSS_SELECTOR, "#search-page-results .search-error").is_displayed()


def test_corrupt_index_from_disk_shows_a_message(browser, corrupt_file_site):
    type_query(browser, corrupt_file_site, "permit")
    s = dropdown_state(browser)
    assert s["error"] and "t-" in s["error"] and "corrupt" in s["error"], s
    assert any("Tome search:" in e["message"] for e in console_errors(browser))


def test_http_build_has_no_script_twins(http_root):
    """The NAME.js twins are written for `--links file` builds only."""
    assert not list((http_root / "search").glob("*.bin.js"))
    assert not (http_root / "search" / "manifest.json.js").exists()


def test_from_disk_without_twins_says_how_to_search(browser, workdir, file_root):
    """Opened from file:// without the NAME.js twins (a site built for a web server, or
    twins deleted), search says what to do instead of failing silently."""
    root = workdir / "file-no-twins"
    if not root.exists():
        shutil.copytree(file_root, root)
        for f in (root / "search").glob("*.js"):
            if f.name != "tome-search.js":
                f.unlink()
    site = Site("file", root, root.as_uri() + "/")
    type_query(browser, site, "permit")
    s = dropdown_state(browser)
    assert s["error"] and "--links file" in s["error"] and "opened from disk" in s["error"], s
    assert any("--links file" in e["message"] for e in console_errors(browser))


# ---------------------------------------------------------------- XSS

XSS = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(2)>', '<script>alert(3)</script>']


def assert_inert(driver, before):
    try:
        alert = driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        pytest.fail(f"a dialog opened: {text!r}")
    except NoAlertPresentException:
        pass
    counts = js(driver, "return [document.querySelectorAll('img').length, document.querySelectorAll('svg').length, document.querySelectorAll('script').length];")
    assert counts[0] == before[0] and counts[1] == before[1], f"elements injected: img/svg {before} -> {counts}"
    assert js(driver, "return document.querySelectorAll('#search-results script, #search-results img, #search-results svg, #search-page-results img, #search-page-results svg, #search-page-results script').length;") == 0


@pytest.mark.parametrize("query", XSS)
def test_hostile_query_is_inert(browser, site, query):
    browser.get(site.url("support/"))
    before = js(browser, "return [document.querySelectorAll('img').length, document.querySelectorAll('svg').length];")
    type_query(browser, site, query, "support/")
    assert query.strip() in dropdown_state(browser)["text"]
    assert_inert(browser, before)

    from urllib.parse import quote
    browser.get(site.url("search/"))
    before = js(browser, "return [document.querySelectorAll('img').length, document.querySelectorAll('svg').length];")
    s = open_search_page(browser, site, "q=" + quote(query))
    assert s["error"] is None
    assert_inert(browser, before)
    assert browser.find_element(By.ID, "search-page-input").get_attribute("value") == query
    assert_no_console_errors(browser)
