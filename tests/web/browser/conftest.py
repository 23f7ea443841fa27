"""Browser fixtures: the real application served by uvicorn on a free local port, driven by
Debian's Chromium through Playwright.

Each test process (pytest-xdist worker) builds its own small synthetic council in a SQLite file,
serves it from a background thread and launches one headless Chromium. Nothing is downloaded:
the tests use ``/usr/bin/chromium`` and skip, saying why, when it or the ``playwright`` package is
missing. Every page a test visits is saved as a full-page screenshot under
``test-artifacts/screenshots/<role>-<page>.png``."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

from caseload.auth.roles import AccountRole
from caseload.storage import schema
from caseload.storage.engine import make_engine
from caseload.web import create_app

from ..council import PASSWORD, USERNAMES, WebCouncil, populate

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
START_TIMEOUT = 15.0
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class LiveServer:
    url: str
    council: WebCouncil


def _serve(council: WebCouncil) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Serve the app from a thread on a socket already bound to a free port (so no other process
    can take the port between choosing and listening)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        create_app(council.engine), log_level="warning", lifespan="off", server_header=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="caseload-live", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the application did not start for the browser tests")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("browser") / "council.db"
    engine = make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    council = populate(engine)
    server, thread, url = _serve(council)
    try:
        yield LiveServer(url, council)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does) to run the "
            "browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed: pip install -e '.[test]'")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


def page_name(path: str) -> str:
    """A screenshot name for a path: '/' is 'overview', '/data/quality' is 'data-quality'."""
    trimmed = path.split("?", 1)[0].split("#", 1)[0].strip("/")
    return re.sub(r"[^a-z0-9]+", "-", trimmed.lower()).strip("-") or "overview"


@dataclass
class Visitor:
    """One browser context (its own cookies), signed in as a role or anonymous. ``problems``
    collects uncaught script errors and Content-Security-Policy refusals on any page."""

    context: BrowserContext
    page: Page
    role: str
    council: WebCouncil
    problems: list[str] = field(default_factory=list)
    landing: Response | None = None

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{self.role}-{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def visit(self, path: str, name: str | None = None) -> Response:
        response = self.page.goto(path)
        assert response is not None, f"no response for {path}"
        self.screenshot(name or page_name(path))
        return response

    def sign_in(self, role: AccountRole) -> Response | None:
        self.page.goto("/sign-in")
        self.page.get_by_label("User name").fill(USERNAMES[role])
        self.page.get_by_label("Password").fill(PASSWORD)
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name="Sign in").click()
        return navigation.value

    def heading(self) -> str:
        return self.page.locator("main h1").first.inner_text().strip()


def _watch(visitor: Visitor) -> None:
    def script_error(error: Any) -> None:
        visitor.problems.append(f"script error on {visitor.page.url}: {error}")

    def console(message: Any) -> None:
        text = str(message.text)
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            visitor.problems.append(f"refused by the page's policy on {visitor.page.url}: {text}")

    visitor.page.on("pageerror", script_error)
    visitor.page.on("console", console)


@pytest.fixture
def visitor(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[[AccountRole | None], Visitor]]:
    """Open a fresh browser context, signed in as the role given (or anonymous for None). The
    browser comes first, so a missing Chromium skips before the council is built."""
    contexts: list[BrowserContext] = []

    def open_as(role: AccountRole | None) -> Visitor:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            locale="en-GB",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        opened = Visitor(context, page, role.value if role else ANONYMOUS, live_server.council)
        _watch(opened)
        if role is not None:
            opened.landing = opened.sign_in(role)
            assert not page.url.split("?", 1)[0].endswith("/sign-in"), (
                f"signing in as {role.value} failed: {opened.heading()}"
            )
        return opened

    yield open_as
    for context in contexts:
        context.close()
