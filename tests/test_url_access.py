"""Every URL pattern the project defines, the admin's included, for every role: the
status each gets is written down in ``TABLE``. The patterns are found by walking the
URL configuration, so a new URL (or a new admin model) without a row fails here until
its access is decided.

Roles, in the order of each row's statuses:
anonymous, the consultation's clinician (owner), another clinician, a content editor,
a content approver, a records auditor (who has not given a reason yet: the record's
URLs send them to the reason form), and a superuser (who is not the clinician either).
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aids.models import AidVersion, SiteSettings, Team
from aids.translations import translation_start
from aids.vocabulary import STEPS
from factories import make_user
from walkthrough_support import published_aid, start_consultation

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "owner", "other", "editor", "approver", "auditor", "superuser"]


def S(codes):
    """'302 200 404 ...' -> {role: status}, in ROLES order."""
    values = [int(c) for c in codes.split()]
    assert len(values) == len(ROLES), codes
    return dict(zip(ROLES, values))


# Statuses for the admin's standard views of one model, by who may do what there.
def model_rows(prefix, *, editor, approver=None, superuser=None, add=None, delete=None, changelist=None):
    """The five standard admin URLs of a model: changelist, add, history, delete, change.
    ``editor``/``approver``: the status of changelist/history/change for those roles;
    ``add`` and ``delete``: (editor, approver, superuser) statuses where they differ."""
    approver = editor if approver is None else approver
    superuser = superuser or 200
    add = add or (editor, approver, superuser)
    delete = delete or (editor, approver, superuser)
    view = f"302 302 302 {editor} {approver} 302 {superuser}"
    listing = f"302 302 302 {changelist} {changelist} 302 {changelist}" if changelist else view
    return {
        f"{prefix}/": ("get", "{prefix}/", S(listing)),
        f"{prefix}/add/": ("get", "{prefix}/add/", S(f"302 302 302 {add[0]} {add[1]} 302 {add[2]}")),
        f"{prefix}/<path:object_id>/history/": ("get", "{prefix}/{obj}/history/", S(view)),
        f"{prefix}/<path:object_id>/delete/": (
            "get", "{prefix}/{obj}/delete/", S(f"302 302 302 {delete[0]} {delete[1]} 302 {delete[2]}")),
        f"{prefix}/<path:object_id>/change/": ("get", "{prefix}/{obj}/change/", S(view)),
        # The bare object URL redirects to its change page (for anyone the admin lets in).
        f"{prefix}/<path:object_id>/": ("get", "{prefix}/{obj}/", S("302 302 302 302 302 302 302")),
    }


LOGGED_IN = S("302 200 200 200 200 200 200")
OWNER_ONLY = "302 {owner} 404 404 404 404 404"
# The record's URLs: the owner reads; an auditor and a superuser are asked for a reason.
RECORD = "302 {owner} 404 404 404 302 302"

TABLE = {
    # route -> (method, URL (with placeholders), {role: status})
    "healthz": ("get", "/healthz", S("200 200 200 200 200 200 200")),
    "accounts/login/": ("get", "/accounts/login/", S("200 302 302 302 302 302 302")),
    # Log out is POST only (a GET cannot log anyone out).
    "accounts/logout/": ("get", "/accounts/logout/", S("302 405 405 405 405 405 405")),
    "accounts/password/": ("get", "/accounts/password/", LOGGED_IN),
    "accounts/password/done/": ("get", "/accounts/password/done/", LOGGED_IN),
    "": ("get", "/", LOGGED_IN),
    "consultations/new/": ("get", "/consultations/new/", LOGGED_IN),
    "consultations/<int:pk>/": ("get", "/consultations/{open}/", S(OWNER_ONLY.format(owner=302))),
    "consultations/<int:pk>/step/<slug:key>/": ("get", "/consultations/{open}/step/{key}/",
                                                S(OWNER_ONLY.format(owner=200))),
    # The patient's language (the shared screen's switch): POST only, the owner's only.
    "consultations/<int:pk>/language/": ("post", "/consultations/{open}/language/",
                                         S(OWNER_ONLY.format(owner=302))),
    "consultations/<int:pk>/finalize/": ("post", "/consultations/{to_finalize}/finalize/",
                                         S(OWNER_ONLY.format(owner=302))),
    "consultations/<int:pk>/finalize/confirm/": ("get", "/consultations/{open}/finalize/confirm/",
                                                 S(OWNER_ONLY.format(owner=200))),
    "consultations/<int:pk>/record/": ("get", "/consultations/{final}/record/", S(RECORD.format(owner=200))),
    "consultations/<int:pk>/record/reason/": ("get", "/consultations/{final}/record/reason/",
                                              S("302 302 404 404 404 200 200")),
    "consultations/<int:pk>/addenda/": ("post", "/consultations/{final}/addenda/", S(OWNER_ONLY.format(owner=302))),
    "consultations/<int:pk>/record/<int:revision>/<str:variant>.pdf": (
        "get", "/consultations/{final}/record/1/{variant}.pdf", S(RECORD.format(owner=200))),
    "consultations/<int:pk>/record/<int:revision>/<str:variant>.fhir.json": (
        "get", "/consultations/{final}/record/1/{variant}.fhir.json", S(RECORD.format(owner=200))),
    # Patients at home: the public reading page and the CollaboRATE page (a token that
    # names no invite answers 404), no login; starting CollaboRATE on the shared screen is
    # the owner's.
    "a/<slug:slug>/<int:number>/": ("get", "/a/{aid_slug}/{version_number}/",
                                    S("200 200 200 200 200 200 200")),
    "c/<str:token>/": ("get", "/c/no-such-token/", S("404 404 404 404 404 404 404")),
    "consultations/<int:pk>/collaborate/": ("post", "/consultations/{final}/collaborate/",
                                            S(OWNER_ONLY.format(owner=302))),
    # The shared decision-making report: its own permission (a superuser has every one).
    # Clinical leads (content approvers) read the report; editors and auditors do not.
    "admin/aids/sdmreport/": ("get", "/admin/aids/sdmreport/", S("302 302 302 403 200 302 200")),
    # The admin: staff only (anyone else is sent to its login page), then by permission.
    "admin/": ("get", "/admin/", S("302 302 302 200 200 302 200")),
    # Someone logged in without staff status sees the admin's login page, saying so.
    "admin/login/": ("get", "/admin/login/", S("200 200 200 302 302 200 302")),
    "admin/logout/": ("get", "/admin/logout/", S("302 302 302 405 405 302 405")),
    "admin/password_change/": ("get", "/admin/password_change/", S("302 302 302 200 200 302 200")),
    "admin/password_change/done/": ("get", "/admin/password_change/done/", S("302 302 302 200 200 302 200")),
    "admin/autocomplete/": ("get", "/admin/autocomplete/", S("302 302 302 403 403 302 403")),
    "admin/jsi18n/": ("get", "/admin/jsi18n/", S("302 302 302 200 200 302 200")),
    "admin/r/<path:content_type_id>/<path:object_id>/": (
        "get", "/admin/r/{user_ct}/{owner_pk}/", S("302 302 302 404 404 302 404")),
    "admin/^(?P<app_label>auth|axes|aids)/$": ("get", "/admin/aids/", S("302 302 302 200 200 302 200")),
    "admin/(?P<url>.*)$": ("get", "/admin/no-such-page/", S("302 302 302 404 404 302 404")),
    # Content: editors and approvers edit it; only approvers publish.
    **model_rows("admin/aids/aid", editor=200, delete=(403, 403, 200)),
    # Importing an aid file as a new draft: whoever may add aids and versions.
    "admin/aids/aid/import/": ("get", "/admin/aids/aid/import/", S("302 302 302 200 200 302 200")),
    # A published version is frozen: nobody deletes it.
    **model_rows("admin/aids/aidversion", editor=200, delete=(403, 403, 403)),
    "admin/aids/aidversion/<int:pk>/preview/": ("get", "/admin/aids/aidversion/{version}/preview/",
                                                S("302 302 302 200 200 302 200")),
    "admin/aids/aidversion/<int:pk>/publish/": ("get", "/admin/aids/aidversion/{version}/publish/",
                                                S("302 302 302 403 302 302 302")),
    "admin/aids/aidversion/<int:pk>/new-draft/": ("get", "/admin/aids/aidversion/{version}/new-draft/",
                                                  S("302 302 302 405 405 302 405")),
    # The editor's part pages (read-only for a published version).
    "admin/aids/aidversion/<int:pk>/part/<slug:key>/": (
        "get", "/admin/aids/aidversion/{version}/part/risks/", S("302 302 302 200 200 302 200")),
    "admin/aids/aidversion/<int:pk>/part/grid/<int:option>/": (
        "get", "/admin/aids/aidversion/{version}/part/grid/{option}/", S("302 302 302 200 200 302 200")),
    "admin/aids/aidversion/<int:pk>/part/<slug:key>/<int:item>/": (
        "get", "/admin/aids/aidversion/{version}/part/risks/{risk}/", S("302 302 302 200 200 302 200")),
    "admin/aids/aidversion/^([^/]+)/history/([^/]+)/$": (
        "get", "/admin/aids/aidversion/{version}/history/{version_history}/", S("302 302 302 200 200 302 200")),
    # Content translations (a draft here): editors translate, approvers also publish
    # (by POST; a GET of the publish or new-draft address goes back to the overview).
    **model_rows("admin/aids/translation", editor=200),
    "admin/aids/translation/<int:pk>/part/<str:key>/": (
        "get", "/admin/aids/translation/{translation}/part/risks/", S("302 302 302 200 200 302 200")),
    "admin/aids/translation/<int:pk>/publish/": (
        "get", "/admin/aids/translation/{translation}/publish/", S("302 302 302 302 302 302 302")),
    "admin/aids/translation/<int:pk>/new-draft/": (
        "get", "/admin/aids/translation/{translation}/new-draft/", S("302 302 302 302 302 302 302")),
    "admin/aids/translation/^([^/]+)/history/([^/]+)/$": (
        "get", "/admin/aids/translation/{translation}/history/{translation_history}/",
        S("302 302 302 200 200 302 200")),
    # Accounts, roles, teams, site settings and login throttling: administrators only.
    **model_rows("admin/auth/user", editor=403),
    "admin/auth/user/<id>/password/": ("get", "/admin/auth/user/{owner_pk}/password/",
                                       S("302 302 302 403 403 302 200")),
    **model_rows("admin/auth/group", editor=403),
    **model_rows("admin/aids/team", editor=403),
    # One row of site settings: the list goes to it (whose change page is then 403 for
    # content roles); never added twice, never deleted.
    **model_rows("admin/aids/sitesettings", editor=403, changelist=302, add=(403, 403, 403),
                 delete=(403, 403, 403)),
    # Login throttling records are written by django-axes only, never added by hand.
    **model_rows("admin/axes/accessattempt", editor=403, add=(403, 403, 403)),
    **model_rows("admin/axes/accesslog", editor=403, add=(403, 403, 403)),
    **model_rows("admin/axes/accessfailurelog", editor=403, add=(403, 403, 403)),
}


def project_routes():
    """Every URL pattern of the project, as its full route."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns)
    return found


def test_every_url_pattern_has_a_row():
    routes = project_routes()
    assert len(routes) == len(set(routes))
    assert sorted(set(routes) - set(TABLE)) == [], "new URLs: add a row for each to TABLE"
    assert sorted(set(TABLE) - set(routes)) == [], "rows for URLs that no longer exist"


@pytest.fixture
def world(client, clinician, other_clinician):
    published_aid()
    client.force_login(clinician)
    open_one = start_consultation(client, patient_ref="Open-REF")
    to_finalize = start_consultation(client, patient_ref="Finalize-REF")
    final = start_consultation(client, patient_ref="Final-REF")
    client.post(reverse("consultation_finalize", args=[final.pk]), {"confirm": "yes"})
    client.logout()
    users = {
        "owner": clinician,
        "other": other_clinician,
        "editor": make_user("editor", is_staff=True),
        "approver": make_user("approver", is_staff=True),
        "auditor": make_user("auditor"),
        "superuser": make_user("root", is_staff=True, is_superuser=True),
    }
    users["editor"].groups.add(Group.objects.get(name="Content editors"))
    users["approver"].groups.add(Group.objects.get(name="Content approvers"))
    users["auditor"].groups.add(Group.objects.get(name="Records auditors"))
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    version = AidVersion.objects.get(status="published")
    translation = translation_start(version=version, language_code="es", user=None)
    objects = {
        "admin/aids/aid": version.aid_id,
        "admin/aids/aidversion": version.pk,
        "admin/aids/translation": translation.pk,
        "admin/auth/user": clinician.pk,
        "admin/auth/group": Group.objects.get(name="Content editors").pk,
        "admin/aids/team": Team.objects.create(name="Pain team").pk,
        "admin/aids/sitesettings": SiteSettings.objects.create(team_name="Pain team").pk,
        "admin/axes/accessattempt": AccessAttempt.objects.create(
            username="x", ip_address="10.0.0.1", failures_since_start=1).pk,
        "admin/axes/accesslog": AccessLog.objects.create(username="x", ip_address="10.0.0.1").pk,
        "admin/axes/accessfailurelog": AccessFailureLog.objects.create(
            username="x", ip_address="10.0.0.1").pk,
    }
    values = {
        "open": open_one.pk, "to_finalize": to_finalize.pk, "final": final.pk,
        "version": version.pk, "version_history": version.history.latest().history_id,
        "option": version.options.first().pk,
        "risk": version.risks.first().pk,
        "aid_slug": version.aid.slug, "version_number": version.number,
        "translation": translation.pk, "translation_history": translation.history.latest().history_id,
        "user_ct": ContentType.objects.get_for_model(clinician).pk, "owner_pk": clinician.pk,
    }
    return users, objects, values


def urls_for(route, template, objects, values):
    prefix = next((p for p in objects if route.startswith(p + "/")), None)
    fill = {**values, "prefix": "/" + prefix if prefix else "", "obj": objects.get(prefix, "")}
    if "{key}" in template:
        return [template.format(**fill, key=key) for key in STEPS]
    if "{variant}" in template:
        return [template.format(**fill, variant=v) for v in ("clinical", "patient")]
    return [template.format(**fill)]


def post_data(url):
    if url.endswith("/finalize/"):
        return {"confirm": "yes"}
    if url.endswith("/addenda/"):
        return {"addendum-text": "An addendum"}
    if url.endswith("/language/"):
        return {"language": "es"}
    return {}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(client, world, role):
    users, objects, values = world
    if role != "anonymous":
        client.force_login(users[role])
    wrong = []
    for route, (method, template, expected) in TABLE.items():
        for url in urls_for(route, template, objects, values):
            if method == "post":
                response = client.post(url, post_data(url))
            else:
                response = client.get(url)
            if response.status_code != expected[role]:
                wrong.append((route, url, expected[role], response.status_code))
            if role not in ("owner", "superuser") and response.status_code == 200:
                assert b"Final-REF" not in response.content or role == "auditor", url
    assert wrong == [], "\n".join(map(str, wrong))
    assert not LogEntry.objects.exists()  # nothing was changed through the admin
