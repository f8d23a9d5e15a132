"""What a consultation recorded, read once: the one source for every summary of it.

The review page, the record page and both PDF copies are all rendered from one
:class:`RecordData`, so they can never disagree about what was shown, discussed
or skipped. Everything comes from the pinned version, never from the aid's
current content; topic keys, SURE questions and rating words come from
``aids.vocabulary``, so the record echoes exactly what was on screen.

It lists what was and was not discussed and echoes the patient's answers as
given. It never counts criteria, never turns ratings into an option and never
orders anything by a rating.
"""

from dataclasses import dataclass, replace
from functools import cached_property
from typing import NamedTuple

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext, gettext_lazy

from aids.frozen import frozen_rows, kept, private_copy
from aids.models import (
    NOT_SURE_SITE, AidVersion, Consultation, GridAnswer, ItemRecord, PatientQuestion, Reference,
    SiteSettings, StaffProfile, UnderstandingAnswer, ValueRating,
)
from aids.prepared import PreparedQuery
from aids.public_links import reading_url
from aids.translations import apply_translation
from aids.vocabulary import (
    SURE_ITEMS, TOPIC_BY_KEY, rating_text, step_title, sure_clean, sure_conflict, sure_score, topic_order,
)

# What a consultation's pages read of what was recorded, compiled once per connection
# (aids/prepared.py): each is read on a step page, several on the review and the record.
ITEM_RECORDS = PreparedQuery(lambda: ItemRecord.objects.all(), "consultation_id")
VALUE_RATINGS = PreparedQuery(lambda: ValueRating.objects.all(), "consultation_id")
UNDERSTANDING_ANSWERS = PreparedQuery(lambda: UnderstandingAnswer.objects.all(), "consultation_id")
QUESTIONS = PreparedQuery(lambda: PatientQuestion.objects.all(), "consultation_id")
_RECORDS_OF_KIND = {kind: PreparedQuery(lambda kind=kind: ItemRecord.objects.filter(kind=kind), "consultation_id")
                    for kind in ItemRecord.Kind.values}


def item_records(consultation_id, kind):
    """The item records of one kind (one topic's items) of a consultation."""
    return _RECORDS_OF_KIND[kind].rows(consultation_id)

NOT_ANSWERED = gettext_lazy("Not answered")


# --------------------------------------------------------------------------- selectors


def references_prefetch():
    """Each item's references, in the version's reference order."""
    return Prefetch("references", queryset=Reference.objects.order_by("order", "pk"))


def topic_items(version, key, *, with_forms=True, with_references=True):
    """The pinned version's items of one topic, in order (references, and the forms
    each applies to, prefetched where the topic's items have them): a fixed number of
    queries, whatever the size. ``with_forms=False`` when no pain site was recorded,
    so relevance is not needed; ``with_references=False`` when nothing will be shown
    (a save), which :func:`prefetch_references` can add later."""
    topic = TOPIC_BY_KEY[key]
    items = getattr(version, topic.relation).all()
    if topic.cited and with_references:
        items = items.prefetch_related(references_prefetch())
    if topic.scoped and with_forms:
        items = items.prefetch_related("forms")
    return items


def frozen_topic_items(version, key):
    """``topic_items`` with references and forms, read once per published version
    (``aids.frozen``): the rows are shared, read them and never change them."""
    return kept(version, f"topic:{key}", lambda: topic_items(version, key))


def frozen_sections(version):
    """The version's "about" sections with their references and forms, read once per
    published version (``aids.frozen``): shared rows, read them and never change them."""
    return kept(version, "sections", lambda: version.sections.prefetch_related(references_prefetch(), "forms"))


def prefetch_references(items):
    """Each item's references, in one query, unless they are loaded already."""
    missing = [i for i in items if "references" not in getattr(i, "_prefetched_objects_cache", {})]
    if missing:
        prefetch_related_objects(missing, references_prefetch())


@dataclass(frozen=True)
class PainSites:
    """Where the pain is, as recorded, and which forms of the operation that makes
    relevant. Relevance orders what is shown first; it never hides anything and
    never says whether anyone is eligible."""

    forms: tuple  # the version's OperationForms chosen, in the version's order
    not_sure: bool

    @property
    def tailored(self):
        """True when a pain site was chosen, so some items may be shown first."""
        return bool(self.forms)

    @property
    def form_ids(self):
        return {f.pk for f in self.forms}

    @property
    def labels(self):
        return [f.pain_site for f in self.forms] + ([gettext("Not sure yet")] if self.not_sure else [])

    @property
    def text(self):
        return "; ".join(self.labels) or gettext("Not recorded")

    @property
    def places(self):
        """The places chosen, for a sentence: "the face and the head, neck, ..."."""
        names = [f.pain_site[:1].lower() + f.pain_site[1:] for f in self.forms]
        return gettext(" and ").join(names)


    def is_relevant(self, item):
        """An item is shown first when no site was chosen, or it applies to every
        form or to one of the chosen ones."""
        return not self.tailored or item.applies_to(self.form_ids)


def pain_sites(consultation):
    """The pain sites recorded (no query when none was, nor once the version's forms
    of the operation were read: aids/frozen.py)."""
    chosen = set(consultation.pain_sites or []) - {NOT_SURE_SITE}
    forms = tuple(f for f in frozen_rows(consultation.version, "operation_forms")
                  if f.key in chosen) if chosen else ()
    return PainSites(forms, NOT_SURE_SITE in (consultation.pain_sites or []))


def grid_answers(version):
    """{(option_id, question_id): GridAnswer} of the pinned version, references prefetched.

    The grid's questions and answers are prefetched onto ``version`` itself, so the
    option-grid partial, which reads them from there, runs no further query.
    """
    prefetch_related_objects([version], "grid_questions", Prefetch(
        "grid_answers", queryset=GridAnswer.objects.prefetch_related(references_prefetch())))
    return {(a.option_id, a.question_id): a for a in version.grid_answers.all()}


# --------------------------------------------------------------------------- parts


@dataclass(frozen=True)
class Sure:
    """The four SURE answers as stored, and their score: information, never a verdict."""

    stored: dict

    @property
    def rows(self):
        """[(letter, question, "yes" | "no" | "")]."""
        clean = sure_clean(self.stored)
        return [(letter, text, clean.get(key, "")) for key, letter, text in SURE_ITEMS]

    @property
    def answers(self):
        """[(question, "yes" | "no" | "")]."""
        return [(text, answer) for _letter, text, answer in self.rows]

    @property
    def yes(self):
        return sure_score(self.stored)[0]

    @property
    def answered(self):
        return sure_score(self.stored)[1]

    @property
    def total(self):
        return len(SURE_ITEMS)

    @property
    def complete(self):
        return self.answered == self.total

    @property
    def conflict(self):
        return sure_conflict(self.stored)

    def summary(self):
        """The SURE score in words, the same on screen and in the record."""
        if not self.answered:
            return gettext("Not asked")
        figures = {"yes": self.yes, "answered": self.answered, "total": self.total}
        if not self.complete:
            return gettext("SURE score not calculated: %(answered)s of %(total)s "
                           "questions answered") % figures
        if self.conflict:
            return gettext("SURE score %(yes)s of %(total)s - some decisional conflict may be "
                           "present") % figures
        return gettext("SURE score %(yes)s of %(total)s - no decisional conflict shown by "
                       "this screen") % figures


def sure_from(stored):
    return Sure(dict(stored or {}))


@dataclass
class Item:
    kind: str
    obj: object  # Benefit, Risk, Criterion or Option of the pinned version
    discussed: bool = False
    selected: bool = False
    note: str = ""
    relevant: bool = True  # shown first: it applies to the pain site recorded

    @property
    def label(self):
        o = self.obj
        return getattr(o, "title", None) or getattr(o, "statement", None) or o.name


@dataclass
class Topic:
    key: str
    title: str
    items: list
    skipped: bool = False

    @property
    def not_discussed(self):
        return [i for i in self.items if not i.discussed]

    @property
    def first(self):
        """The items shown first: those that apply to the pain site recorded."""
        return [i for i in self.items if i.relevant]

    @property
    def others(self):
        """The items shown under "about the other forms"."""
        return [i for i in self.items if not i.relevant]


class NotDiscussed(NamedTuple):
    title: str
    labels: list  # the items' labels
    skipped: bool  # the whole topic was skipped

    @property
    def heading(self):
        if self.skipped:
            return gettext("%(topic)s: skipped - none of these was discussed") % {"topic": self.title}
        return gettext("%(topic)s: not marked as discussed") % {"topic": self.title}


class ValueRow(NamedTuple):
    statement: object
    rating: str  # as shown on screen: "3 - Quite a lot", "Not sure", "Not rated"


class Understood(NamedTuple):
    question: object
    answer: str  # "True", "False", "Not sure" or "Not answered" (lazy: see record_data)

    @property
    def answered(self):
        return self.answer is not NOT_ANSWERED


class EarlierVisit(NamedTuple):
    """The visit a follow-up follows, as its record names it."""

    pk: int
    record_id: str
    date: object  # when the earlier record was finalized (local time)
    patient_ref: str
    version: object  # the version it pinned

    @property
    def line(self):
        return gettext(
            "This visit follows up record %(record)s of %(date)s (patient reference %(ref)s; "
            "%(title)s, version %(number)s)."
        ) % {"record": self.record_id, "date": f"{self.date.day} {MONTHS[self.date.month]} {self.date.year}",
             "ref": self.patient_ref, "title": self.version.title, "number": self.version.number}


def earlier_visit(consultation):
    """The ``EarlierVisit`` ``consultation`` follows up, or None (no query when none)."""
    if not consultation.follow_up_of_id:
        return None
    e = Consultation.objects.select_related("version__aid").get(pk=consultation.follow_up_of_id)
    return visit_of(e)


def visit_of(e):
    return EarlierVisit(e.pk, e.record_id, timezone.localtime(e.finalized_at or e.created_at),
                        e.patient_ref, e.version)


@dataclass
class LastTime:
    """Where the patient stood at the visit a follow-up follows (its own words are on
    ``earlier``), read in a fixed number of queries."""

    earlier: Consultation
    visit: EarlierVisit
    position_text: str
    sure_after: object  # Sure
    values: list  # [ValueRow]


def last_time(consultation):
    """The ``LastTime`` of a follow-up ``consultation`` (None when it is a first visit)."""
    if not consultation.follow_up_of_id:
        return None
    e = Consultation.objects.select_related("version__aid").get(pk=consultation.follow_up_of_id)
    ratings = {r.statement_id: r for r in VALUE_RATINGS.rows(e.pk)}
    return LastTime(
        earlier=e, visit=visit_of(e), position_text="; ".join(e.get_positions_display()),
        sure_after=sure_from(e.sure_after),
        values=[ValueRow(s, rating_text(ratings.get(s.pk))) for s in e.version.value_statements.all()],
    )


@dataclass
class RecordData:
    consultation: Consultation
    version: object
    revision: int
    generated_at: object
    generated_by: str
    clinician: str
    present: list
    started_at: object
    finalized_at: object
    review_overdue: bool
    sites: PainSites
    all_topics: list  # every topic in the patient's order, skipped ones marked
    sure_before: Sure
    sure_after: Sure
    values: list  # [ValueRow]
    questions: list
    understanding: list  # [Understood]
    # The one-time CollaboRATE link the patient copy prints, and when it stops working
    # (set by ``record_render`` at finalization; empty otherwise).
    collaborate_url: str = ""
    collaborate_expires: object = None
    # The published translation the content is shown in (the patient copy of a
    # consultation shown in another language), or None: the source version's texts.
    translation: object = None

    # What only some summaries show is read when first asked for (the review page
    # needs no grid, references or colophon; the PDF does).

    @cached_property
    def follows(self):
        """The earlier visit this one follows up (``EarlierVisit``), or None. Only the
        later record names the other: the earlier one is final and never changes (its
        record page lists its follow-ups)."""
        return earlier_visit(self.consultation)

    @cached_property
    def carried_over(self):
        return [q for q in self.questions if q.carried_over]

    @cached_property
    def sections(self):
        sections = frozen_sections(self.version)
        if self.translation is not None:
            sections = private_copy(sections)  # shared rows: translate a copy
        return apply_translation(self.translation, sections)

    @cached_property
    def grid_answers(self):
        """{(option_id, question_id): GridAnswer}."""
        return apply_translation(self.translation, grid_answers(self.version))

    @cached_property
    def grid_questions(self):
        self.grid_answers  # noqa: B018 - prefetches the questions with the answers
        return apply_translation(self.translation, list(self.version.grid_questions.all()))

    @cached_property
    def references(self):
        """The references cited by what was shown: taken topics' items and the grid
        answers of the options looked at."""
        taken = self.topics
        shown_options = {i.obj.pk for t in taken if t.key == "alternatives"
                         for i in t.items if i.selected or i.discussed}
        cited = {r.pk for t in taken if TOPIC_BY_KEY[t.key].cited
                 for i in t.items for r in i.obj.references.all()}
        cited |= {r.pk for (option_id, _), a in self.grid_answers.items()
                  if option_id in shown_options for r in a.references.all()}
        return [r for r in self.version.references.all() if r.pk in cited]

    @cached_property
    def clinician_profile(self):
        return StaffProfile.objects.filter(user_id=self.consultation.clinician_id).first()

    @property
    def clinician_role(self):
        return self.clinician_profile.role if self.clinician_profile else ""

    @property
    def clinician_registration(self):
        return self.clinician_profile.registration if self.clinician_profile else ""

    @cached_property
    def site(self):
        """The hospital's site settings (team name and contact details)."""
        return SiteSettings.current()

    @cached_property
    def reading_url(self):
        """The public reading-at-home page of the version shown ("" when the site has no
        public address set)."""
        return reading_url(self.version, self.site)

    @cached_property
    def contributors(self):
        # A placeholder reviewer ("Pending clinical review") is never printed as a name.
        return [c for c in self.version.contributors.all() if c.names_a_person]

    @property
    def demo_statement(self):
        """Said on page 1 and in the colophon when the content is the unreviewed demo."""
        if not self.version.unreviewed_demo:
            return ""
        return gettext("Demo content: not yet clinically reviewed.")

    def publication_facts(self, *, justification=True):
        """Who approved the version shown, when, and over which warnings why (colophon).
        ``justification=False`` (the patient copy) leaves the justification out."""
        v, facts = self.version, []
        if not v.published_at:
            return facts
        when = timezone.localtime(v.published_at).strftime("%d %B %Y, %H:%M").lstrip("0")
        who = (v.published_by.get_full_name() or v.published_by.get_username()) if v.published_by else ""
        facts.append(gettext("Approved for publication by %(who)s on %(when)s.")
                     % {"who": who, "when": when} if who else
                     gettext("Published by the system on %(when)s (bundled content).") % {"when": when})
        if v.published_alone:
            facts.append(gettext(
                "Published by one person who also edited it: this site allows publishing "
                "without a second approver (an administrator's setting)."))
        if justification and v.warnings_justification.strip():
            facts.append(gettext("Published over quality warnings, because: %(why)s")
                         % {"why": v.warnings_justification.strip()})
        if self.demo_statement:
            facts.append(self.demo_statement)
        return facts

    @cached_property
    def addenda(self):
        return list(self.consultation.addenda.select_related("author"))

    @property
    def record_id(self):
        return self.consultation.record_id

    @property
    def topics(self):
        """The topics taken, in the order taken."""
        return [t for t in self.all_topics if not t.skipped]

    @property
    def skipped(self):
        return [t for t in self.all_topics if t.skipped]

    @property
    def not_discussed(self):
        """[NotDiscussed] for each skipped topic and each topic with an item not
        ticked discussed: skipped topics first, then the others in the order taken."""
        rows = [NotDiscussed(t.title, [i.label for i in t.items], True) for t in self.skipped]
        rows += [NotDiscussed(t.title, [i.label for i in t.not_discussed], False) for t in self.topics]
        return [row for row in rows if row.skipped or row.labels]

    @property
    def open_questions(self):
        """[(number, question)] for each question still open, numbered as listed."""
        return [(n, q) for n, q in enumerate(self.questions, 1)
                if q.status == PatientQuestion.Status.OPEN]

    @property
    def open_questions_text(self):
        """"" when none is open, else e.g. "1 (question 3)" or "2 (questions 1 and 3)"."""
        numbers = [str(n) for n, _q in self.open_questions]
        if not numbers:
            return ""
        listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        return f"{len(numbers)} (question{'s' if len(numbers) > 1 else ''} {listed})"

    @property
    def position_text(self):
        """Where the patient stands: every answer ticked, e.g. "Wants more time; Wants
        to talk to family"."""
        return "; ".join(self.consultation.get_positions_display())


def person_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def present_labels(consultation):
    """Who was present, as shown: the chosen roles, then anyone else typed in."""
    labels = dict(Consultation.Present.choices)  # lazy: in the language each copy is shown in
    present = [labels.get(p, p) for p in consultation.present or []]
    return present + ([consultation.present_other] if consultation.present_other else [])


def record_data(*, consultation, revision=0, generated_at=None, generated_by=None,
                translated=False):
    """Gather everything a record shows (a fixed number of queries, whatever the size).

    ``revision`` is the record revision being generated (0 for the review page,
    which shows the record before it exists). ``translated=True`` (the patient copy)
    shows the content in the published translation the consultation pinned, if any:
    the content objects are then read afresh, so the source texts of
    ``consultation.version`` are left as they are for the clinical copy.
    """
    c = consultation
    version = c.version
    translation = c.translation if translated and c.translation_id else None
    if translation is not None:
        version = AidVersion.objects.select_related("aid", "published_by").get(pk=c.version_id)
    records = {(r.kind, r.item_id): r for r in ITEM_RECORDS.rows(c.pk)}
    skipped_keys = set(c.skipped_topics or [])
    sites = pain_sites(c)

    def topic(key):
        kind, scoped = TOPIC_BY_KEY[key].kind, TOPIC_BY_KEY[key].scoped
        rows = []
        items = frozen_topic_items(version, key)
        if translation is not None:
            items = private_copy(items)  # shared rows: translate a copy
        for obj in items:
            rec = records.get((kind, obj.pk))
            rows.append(Item(kind, obj, discussed=bool(rec and rec.discussed),
                             selected=bool(rec and rec.selected), note=rec.note if rec else "",
                             relevant=sites.is_relevant(obj) if scoped else True))
        return Topic(key, step_title(version, key), rows, skipped=key in skipped_keys)

    all_topics = [topic(key) for key in topic_order(c)]
    ratings = {r.statement_id: r for r in VALUE_RATINGS.rows(c.pk)}
    answers = {a.question_id: a for a in UNDERSTANDING_ANSWERS.rows(c.pk)}
    started = timezone.localtime(c.created_at) if c.created_at else timezone.localtime()
    statements, questions = (frozen_rows(version, "value_statements"),
                             frozen_rows(version, "understanding_questions"))
    if translation is not None:
        statements, questions = private_copy(statements), private_copy(questions)
    # The fixed words (ratings, answers, who was present) stay lazy, chosen where they
    # are shown: the patient copy is drawn in the patient's language from this data,
    # read in the request's.
    values = [ValueRow(s, rating_text(ratings.get(s.pk))) for s in statements]
    answer_labels = dict(UnderstandingAnswer.Answer.choices)
    understanding = [
        Understood(q, answer_labels.get(answers[q.pk].answer, answers[q.pk].answer)
                   if q.pk in answers and answers[q.pk].answer else NOT_ANSWERED)
        for q in questions
    ]
    if translation is not None:
        sites = replace(sites, forms=private_copy(sites.forms))  # shared rows: translate a copy
        apply_translation(translation, version, [t.items for t in all_topics], sites.forms,
                          values, understanding)
    return RecordData(
        consultation=c,
        version=version,
        revision=revision,
        generated_at=timezone.localtime(generated_at or timezone.now()),
        generated_by=person_name(generated_by),
        clinician=person_name(c.clinician),
        present=present_labels(c),
        started_at=started,
        finalized_at=timezone.localtime(c.finalized_at) if c.finalized_at else None,
        review_overdue=version.review_overdue(on=started.date()),
        sites=sites,
        all_topics=all_topics,
        sure_before=sure_from(c.sure_before),
        sure_after=sure_from(c.sure_after),
        values=values,
        questions=QUESTIONS.rows(c.pk),
        understanding=understanding,
        translation=translation,
    )
