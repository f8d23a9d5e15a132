"""Every page needs login except login, static files, the health check and the public
pages (reading at home, CollaboRATE), which hold no patient data.

The URLconf is walked, so a view added later cannot forget.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Views that may be reached without logging in, by URL name.
# The public pages (aids/public/) hold no patient data: reading at home and CollaboRATE.
PUBLIC = {"login", "healthz", "admin:login", "public_aid", "collaborate"}

SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def walk(patterns=None, prefix="", namespace=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace if entry.namespace else namespace
            if namespace and entry.namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name, entry.callback


def sample_path(pattern):
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), pattern)
    # Regex patterns (admin): strip anchors and fill groups with a sample value.
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path.lstrip("/")


ALL = list(walk())


def test_urlconf_walk_finds_the_app_and_the_admin():
    names = {name for _, name, _ in ALL}

    assert {"login", "logout", "healthz", "home", "admin:index"} <= names


def test_only_the_allowed_views_skip_the_login_requirement():
    public = {name for _, name, view in ALL if getattr(view, "login_required", True) is False}

    assert public == PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("pattern,name", [(p, n) for p, n, _ in ALL if n not in PUBLIC])
def test_anonymous_visitor_is_sent_to_login(client, pattern, name):
    path = sample_path(pattern)

    response = client.get(path)

    assert response.status_code == 302, (name, path)
    location = response["Location"]
    assert location.startswith("/accounts/login/") or location.startswith("/admin/login/"), (name, location)


@pytest.mark.django_db
def test_login_page_and_health_check_are_public(client):
    assert "Log in" in client.get("/accounts/login/").content.decode()
    assert client.get("/healthz").json()["status"] == "ok"
