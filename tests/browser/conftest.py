"""Browser fixtures: Debian's Chromium driven by Playwright's sync API against the live server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# made by the test body as "async unsafe" although they run synchronously.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A headless Chromium; missing Chromium fails under CI=true and skips elsewhere."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: run `bash scripts/ensure-chromium.sh`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageProblems:
    """Everything that went wrong on same-origin pages: console errors, crashes, failed loads."""

    origin: str
    problems: list[str] = field(default_factory=list)
    static_status: dict[str, int] = field(default_factory=dict)

    def watch(self, page: Any) -> Any:
        """Listen to a page's console, errors, failed requests and error responses."""
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        return page

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location})")

    def _on_request_failed(self, request: Any) -> None:
        if request.failure == "net::ERR_ABORTED" and "favicon" in request.url:
            return  # the browser's own icon fetch, cancelled when a test moves on quickly
        self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def _on_response(self, response: Any) -> None:
        if not response.url.startswith(self.origin):
            return
        path = response.url[len(self.origin) :]
        if path.startswith("/static/"):
            self.static_status[path.split("?")[0]] = response.status
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {path}")

    def take(self, page: Any) -> list[str]:
        """Once the page's network is quiet (favicon, htmx), return and forget the problems."""
        page.wait_for_load_state("networkidle")
        seen, self.problems = self.problems, []
        return seen


@pytest.fixture
def page_problems() -> Callable[[str], PageProblems]:
    """Make a PageProblems watcher for the live server's origin."""
    return PageProblems
