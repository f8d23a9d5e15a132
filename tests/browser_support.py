"""Helpers for the browser tests (Playwright driving Debian's Chromium)."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SCREENS = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1366, 768)}

_axe = Axe()


def axe_violations(page):
    """All axe-core violations on the page (every impact level), as readable lines."""
    results = _axe.run(page)
    return [
        f"{v['id']} ({v.get('impact')}): {v['help']} -> "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]
    ]


def screenshot(page, name):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def has_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
