"""Plain factory functions for tests.

``make_draft`` builds a small but complete aid version that passes the quality
gates: two of most things, three benefits and three risks (all "out of 100",
all with references), a grid with every answer, contributors, statements and a
review date in the future. Texts are short, plain and never directive.

Content goes through the interchange importer (``make_document`` is the
document), so the factories exercise the same path as real content.
"""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from aids.interchange import import_version
from aids.interchange_format import FORMAT_NAME, FORMAT_VERSION

_counter = itertools.count(1)

PUBLISH_PERM = "aids.publish_aidversion"


def make_user(username=None, *, perms=(), password="a-long-test-password", **fields):
    """A user with the given permissions ("app_label.codename" strings)."""
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    if perms:
        user = get_user_model().objects.get(pk=user.pk)  # drop the permission cache
    return user


def make_approver(username=None, **fields):
    """A user who may publish aid versions."""
    return make_user(username, perms=[PUBLISH_PERM], **fields)


# The walkthrough's own words, as the bundled tractotomy aid has them
# (aids/content/tractotomy.json): the tests' aid reads as the real one does.
TRACTOTOMY_WORDS = {
    "about_title": "About tractotomy",
    "criteria_title": "Last-resort criteria",
    "benefits_summary": "What tractotomy may help with, and how likely that is.",
    "risks_summary": "What can go wrong, how likely that is, and how serious it can be.",
    "criteria_summary": "When tractotomy is considered: each point talked through.",
    "alternatives_summary": "The other options, including no procedure, side by side.",
    "benefits_intro": "What tractotomy may help with.",
    "criteria_intro": "Tractotomy is considered only as a last resort.",
}


def make_document(aid_slug="tractotomy", aid_title="Tractotomy for severe chronic pain", **overrides):
    """A complete, gate-clean interchange document; ``overrides`` replace version keys."""
    today = timezone.localdate()
    version = {
        "decision": "Whether to have a tractotomy for severe pain that other treatments have not eased.",
        "audience": "Adults with severe pain from cancer, and the people close to them.",
        "intro": (
            "There is a real choice here. Having no procedure is one of the options.\n\n"
            "You do not need to decide today."
        ),
        "unknowns": "How long the pain relief lasts for most people.\nHow often pain comes back.",
        "funding_statement": "This aid was written by hospital staff with no outside funding.",
        "conflicts_statement": "The authors have no links to any company that makes equipment for this.",
        "update_policy": "The team reads new studies each year and updates the aid when they change the facts.",
        "last_reviewed_on": (today - datetime.timedelta(days=30)).isoformat(),
        "next_review_due": (today + datetime.timedelta(days=365)).isoformat(),
        "warnings_justification": "",
        "topic_order": "",
        **TRACTOTOMY_WORDS,
        "ipdas_ticks": {},
        "contributors": [
            {"kind": "author", "name": "Dr Ana Lee", "role": "Pain doctor"},
            {"kind": "reviewer", "name": "Sam Patel", "role": "Patient reviewer"},
        ],
        "references": [
            {"key": "R1", "authors": "Lee A, Patel S", "title": "Pain relief after tractotomy",
             "source": "Pain Journal", "year": 2021, "doi": "10.1000/example.1", "url": "",
             "note": ""},
            {"key": "R2", "authors": "Jones B", "title": "Side effects of spinal pain surgery",
             "source": "Spine Review", "year": 2019, "doi": "", "url": "https://example.org/r2",
             "note": ""},
        ],
        "operation_forms": [
            {"key": "face", "name": "Trigeminal tractotomy-nucleotomy", "pain_site": "The face"},
            {"key": "arm", "name": "Mesencephalotomy", "pain_site": "The head, neck, arm or upper chest"},
        ],
        "sections": [
            {"heading": "What tractotomy is", "summary": "An operation on the nerve path that carries pain.",
             "body": "Tractotomy is an operation on the brainstem.\n\nIt cuts the nerve path that carries pain.",
             "references": [], "forms": []},
            {"heading": "What happens", "summary": "",
             "body": "- You stay in hospital for a few days.\n- Most people are awake for part of it.",
             "references": [], "forms": []},
        ],
        "benefits": [
            _outcome("Less pain", 70, "In the first month", "low", ["R1"]),
            _outcome("Lower doses of pain medicine", 50, "In the first three months", "low", ["R1"]),
            _outcome("Better sleep", 40, "In the first three months", "very_low", ["R1", "R2"]),
        ],
        "risks": [
            dict(_outcome("Numbness on one side of the face", 20, "Often lasting", "low", ["R2"]),
                 severity="moderate", lasting="sometimes", forms=["face"]),
            dict(_outcome("Unsteady walking", 10, "For a few weeks", "low", ["R2"]),
                 severity="moderate", lasting="no"),
            dict(_outcome("Stroke or death", 2, "During or soon after the operation", "very_low",
                          ["R1", "R2"]),
                 severity="life", lasting="yes"),
        ],
        "criteria": [
            {"statement": "The pain is severe and on one side of the body.",
             "explanation": "The team talks about where the pain is and how strong it is.", "forms": []},
            {"statement": "Other treatments have been tried.",
             "explanation": "The team talks about the treatments you have already had.", "forms": []},
        ],
        "options": [
            {"key": "tractotomy", "name": "Tractotomy", "summary": "An operation on the nerve path for pain."},
            {"key": "no-procedure", "name": "No procedure",
             "summary": "Keep going with pain medicines and care without an operation."},
        ],
        "grid_questions": [
            {"key": "involves", "text": "What does it involve?"},
            {"key": "relief", "text": "How many people get less pain?"},
        ],
        "grid_answers": [
            {"option": "tractotomy", "question": "involves",
             "text": "An operation and a few days in hospital.", "references": ["R1"], "forms": []},
            {"option": "tractotomy", "question": "relief",
             "text": "About 70 in 100 people in the first month.", "references": ["R1"], "forms": []},
            {"option": "no-procedure", "question": "involves",
             "text": "No operation. Medicines and care go on as now.", "references": [], "forms": []},
            {"option": "no-procedure", "question": "relief",
             "text": "Pain stays about the same as now for most people.", "references": ["R2"], "forms": []},
        ],
        "value_statements": [
            {"text": "Having less pain."},
            {"text": "Avoiding an operation."},
        ],
        "understanding_questions": [
            {"statement": "Having no procedure is one of the options.", "correct_answer": "true",
             "explanation": "Having no procedure is always one of the choices."},
            {"statement": "Everyone who has a tractotomy gets less pain.", "correct_answer": "false",
             "explanation": "About 70 in 100 people get less pain in the first month."},
        ],
    }
    unknown = set(overrides) - set(version)
    if unknown:
        raise TypeError(f"make_document: unknown version keys {sorted(unknown)}")
    version.update(overrides)
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "aid": {"slug": aid_slug, "title": aid_title},
        "version": version,
    }


def _outcome(title, numerator, time_frame, certainty, references):
    return {
        "title": title,
        "description": f"{title}: about {numerator} in 100 people.",
        "likelihood": "figure",
        "numerator": numerator,
        "denominator": 100,
        "unknown_reason": "",
        "time_frame": time_frame,
        "certainty": certainty,
        "certainty_note": "Based on small studies.",
        "references": references,
        "forms": [],
    }


def make_draft(aid_slug="tractotomy", *, user=None, aid_title="Tractotomy for severe chronic pain",
               **overrides):
    """A complete, gate-clean draft (imported from ``make_document``)."""
    return import_version(make_document(aid_slug, aid_title, **overrides), user=user)


def make_published(aid_slug="tractotomy", *, user=None, change_note="First version.",
                   justification="", drafted_by=None, **overrides):
    """A published version: ``make_draft`` (by ``drafted_by``) then ``version_publish``
    by ``user``, a second person (the two-person rule)."""
    from aids.publishing import version_publish

    draft = make_draft(aid_slug, user=drafted_by, **overrides)
    return version_publish(
        version=draft, user=user, change_note=change_note, justification=justification
    )


def content_row_counts():
    """Rows in every table of the app (content, reference links, history, consultations).

    Tests compare it before and after an operation that must leave nothing behind.
    """
    from django.apps import apps

    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_app_config("aids").get_models(include_auto_created=True)
    }


def make_recorded_consultation(clinician, *, final=False, **fields):
    """A consultation started through ``consultation_start`` with one row of each kind
    recorded (an item, a value rating, a patient question, an understanding answer)
    and ``fields`` set on it; ``final=True`` then finalizes it through
    ``record_finalize`` (so revision 1 of both PDFs is stored).

    Publishes the tractotomy aid first unless one is published already.
    """
    from aids.consultations import consultation_start, record_finalize
    from aids.models import (
        Aid, Consultation, ItemRecord, PatientQuestion, UnderstandingAnswer, ValueRating,
    )

    aid = Aid.objects.filter(slug="tractotomy").first()
    version = (aid and aid.current_version()) or make_published()
    consultation = consultation_start(clinician=clinician, patient_ref=f"P-{next(_counter)}")
    ItemRecord.objects.create(consultation=consultation, kind=ItemRecord.Kind.BENEFIT,
                              item_id=version.benefits.first().pk, discussed=True, note="A note.")
    ValueRating.objects.create(consultation=consultation,
                               statement=version.value_statements.first(), rating=2)
    PatientQuestion.objects.create(consultation=consultation, question="Will it hurt?",
                                   answer="For a few days.", status=PatientQuestion.Status.ANSWERED)
    UnderstandingAnswer.objects.create(consultation=consultation,
                                       question=version.understanding_questions.first(), answer="true")
    if fields:
        Consultation.objects.filter(pk=consultation.pk).update(**fields)
        consultation.refresh_from_db()
    if final:
        record_finalize(consultation=consultation, user=clinician)
    return consultation


def make_final_consultation(clinician, *, discussed=(), skipped=(), sure_before=None,
                            sure_after=None, collaborate=None):
    """A consultation finalized through ``record_finalize`` with the items of the topics
    ``discussed`` (topic keys) marked as discussed, ``skipped`` topics skipped, the SURE
    answers given, and, when ``collaborate`` is (understand, listen, include), those
    CollaboRATE answers sent through a one-time link. Pins the current published version
    (publishes the tractotomy aid first unless one is)."""
    from aids.collaborate import invite_issue, response_submit
    from aids.consultations import consultation_start, record_finalize
    from aids.models import Aid, Consultation, ItemRecord
    from aids.vocabulary import TOPIC_BY_KEY

    aid = Aid.objects.filter(slug="tractotomy").first()
    if not (aid and aid.current_version()):
        make_published()
    consultation = consultation_start(clinician=clinician, patient_ref=f"P-{next(_counter)}")
    version = consultation.version
    for key in discussed:
        topic = TOPIC_BY_KEY[key]
        for item in getattr(version, topic.relation).all():
            ItemRecord.objects.create(consultation=consultation, kind=topic.kind, item_id=item.pk,
                                      discussed=True)
    Consultation.objects.filter(pk=consultation.pk).update(
        skipped_topics=list(skipped), sure_before=sure_before or {}, sure_after=sure_after or {})
    consultation.refresh_from_db()
    record_finalize(consultation=consultation, user=clinician)
    if collaborate:
        token = invite_issue(consultation=consultation)
        response_submit(token=token, answers=dict(zip(("understand", "listen", "include"),
                                                      collaborate)))
    return consultation
