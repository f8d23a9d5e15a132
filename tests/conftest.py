"""Shared fixtures. Factories live in tests/factories.py."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    # The interface's compiled catalogues (.mo, not in git), built when a .po is newer.
    from sdm.catalogues import compile_stale

    compile_stale()


@pytest.fixture
def clinician(django_user_model):
    return django_user_model.objects.create_user(
        username="dr_amal", password="a-long-test-password", first_name="Amal", last_name="Rahman"
    )


@pytest.fixture
def other_clinician(django_user_model):
    return django_user_model.objects.create_user(username="dr_other", password="a-long-test-password")


@pytest.fixture
def clinician_client(client, clinician):
    # force_login: django-axes needs a request for authenticate(), which Client.login lacks.
    client.force_login(clinician)
    return client


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright. Never skipped in CI."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests must run in CI")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls
    # made by fixtures in the same thread are safe here (no real concurrency).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
