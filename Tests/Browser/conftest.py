"""Fixtures for the real-browser tests: the sample site built by tome (once for a web
server, once with --links file for file://), a static HTTP server on 127.0.0.1 in a
thread, and one headless Chromium (Debian's chromium + chromium-driver) through
Selenium, with the browser console log readable via driver.get_log("browser").

Environment: TOME (default .build/debug/tome, relative to the repo root),
CHROMIUM (default /usr/bin/chromium), CHROMEDRIVER (default /usr/bin/chromedriver).
"""
import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def tome_binary():
    path = Path(os.environ.get("TOME", ".build/debug/tome"))
    if not path.is_absolute():
        path = REPO / path
    if not path.exists():
        pytest.exit(f"tome binary not found at {path}: run `swift build` first or set TOME", returncode=2)
    return path


def build_site(out: Path, *extra):
    """`tome build` of the sample Content/ into `out` (a folder that must not exist)."""
    cmd = [str(tome_binary()), "build", "--content", str(REPO / "Content"),
           "--templates", str(REPO / "Templates"), "--output", str(out), *extra]
    res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stdout}\n{res.stderr}")
    assert (out / "search" / "manifest.json").exists(), "the build wrote no search index"
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticServer:
    """Python's http.server over one folder, on a free port of 127.0.0.1, in a thread."""

    def __init__(self, root: Path):
        handler = functools.partial(QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Site:
    """A built site reachable by `url(path)`: path is a site path such as
    "parking-permits/" (directories get index.html under file://)."""

    def __init__(self, mode, root: Path, base: str):
        self.mode, self.root, self.base = mode, root, base

    def url(self, path="", query=""):
        if self.mode == "file" and (path == "" or path.endswith("/")):
            path += "index.html"
        return self.base + path + query


@pytest.fixture(scope="session")
def workdir():
    d = Path(tempfile.mkdtemp(prefix="tome-browser-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def http_root(workdir):
    return build_site(workdir / "http")


@pytest.fixture(scope="session")
def file_root(workdir):
    return build_site(workdir / "file", "--links", "file")


@pytest.fixture(scope="session")
def http_site(http_root):
    server = StaticServer(http_root)
    yield Site("http", http_root, server.url)
    server.close()


@pytest.fixture(scope="session")
def file_site(file_root):
    return Site("file", file_root, file_root.as_uri() + "/")


@pytest.fixture(scope="session", params=["http", "file"])
def site(request):
    return request.getfixturevalue(request.param + "_site")


@pytest.fixture(scope="session")
def corrupt_sites(workdir, http_root):
    """Copies of the HTTP site with a broken index, served over HTTP:
    "manifest" (manifest.json cut in half) and "shard" (every term shard cut in half)."""
    sites, servers = {}, []
    for kind in ("manifest", "shard"):
        root = workdir / f"corrupt-{kind}"
        shutil.copytree(http_root, root)
        search = root / "search"
        victims = [search / "manifest.json"] if kind == "manifest" else sorted(search.glob("t-*.bin"))
        assert victims
        for f in victims:
            data = f.read_bytes()
            f.write_bytes(data[: len(data) // 2])
        server = StaticServer(root)
        servers.append(server)
        sites[kind] = Site("http", root, server.url)
    yield sites
    for s in servers:
        s.close()


@pytest.fixture(scope="session")
def driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--disable-extensions", "--no-first-run"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    drv = webdriver.Chrome(options=opts, service=service)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()


@pytest.fixture
def browser(driver):
    """The shared browser, with its console log drained before the test."""
    driver.get("about:blank")
    driver.get_log("browser")
    return driver


@pytest.fixture(scope="session")
def corrupt_file_site(workdir, file_root):
    """A copy of the file:// site whose term-shard script twins carry half their bytes
    (still valid JavaScript and base64, so only the size/CRC check can catch it)."""
    root = workdir / "corrupt-file"
    shutil.copytree(file_root, root)
    twins = sorted((root / "search").glob("t-*.bin.js"))
    assert twins
    for f in twins:
        parts = f.read_text().split('"')
        # tomeSearchLoad("NAME","BASE64");  ->  parts[1] = NAME, parts[3] = BASE64
        b64 = parts[3]
        parts[3] = b64[: (len(b64) // 8) * 4]
        f.write_text('"'.join(parts))
    return Site("file", root, root.as_uri() + "/")
