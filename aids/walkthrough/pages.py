"""One class per step page: what it loads from the pinned version, its forms,
and how its posted forms become a ``StepChanges`` for ``step_save``.

Every query goes through ``consultation.version``: a page shows the version the
consultation pinned, never today's content. Each page loads its content in a
fixed number of queries, whatever the number of items.
"""

from dataclasses import replace
from functools import cached_property

from django.template.loader import get_template
from django.utils.safestring import mark_safe

from aids.consultations import SaveResult, StepChanges, step_save, topic_order_set
from aids.models import ItemRecord, PatientQuestion, UnderstandingAnswer
from aids.readmodel import last_time as readmodel_last_time
from aids.frozen import frozen_rows, kept, private_copy
from aids.readmodel import (
    QUESTIONS, UNDERSTANDING_ANSWERS, VALUE_RATINGS, frozen_sections, frozen_topic_items, grid_answers,
    item_records, pain_sites, prefetch_references, sure_from,
)
from aids.translations import apply_translation
from aids.vocabulary import (
    RATING_CHOICES, STEPS, TOPIC_BY_KEY, TOPIC_STEPS, all_steps, is_topic_order, topic_intro, topic_order,
    topic_summary, version_step,
)
from aids.walkthrough import forms as wf
from aids.templatetags.walkthrough_fields import radio_group
from aids.walkthrough.rows import Fields, RadioWriter, SavedFields, content_html, rows_html, section_rows

RATING_WRAPPER = "radios-inline radios-scale"


class Page:
    key = ""
    template = ""

    def __init__(self, consultation, *, data=None, patient_view=False):
        self.consultation = consultation
        self.version = consultation.version
        self.data = data
        self.patient_view = patient_view
        self.load()
        self.translation = consultation.translation if consultation.translation_id else None
        if self.translation is not None:
            # The content in the language shown, in memory only (frozen parts refuse saves),
            # on this request's own copies: the rows read once per process are shared.
            for name, value in list(vars(self).items()):
                if isinstance(value, (list, tuple)):
                    setattr(self, name, private_copy(value, keep=[self.version]))
            if getattr(self, "sites", None) is not None:
                self.sites = replace(self.sites, forms=private_copy(self.sites.forms))
            apply_translation(self.translation, self.version, [
                value for value in vars(self).values() if isinstance(value, (list, tuple))
            ], getattr(getattr(self, "sites", None), "forms", ()))
        self.build()

    @property
    def step(self):
        """The step, titled as the pinned version words it."""
        return version_step(self.version, STEPS[self.key])

    def load(self):
        pass

    def build(self):
        pass

    def forms(self):
        """Every form of the page, in display order (formsets flattened)."""
        return []

    @property
    def has_forms(self):
        return bool(self.forms())

    def is_valid(self):
        results = [f.is_valid() for f in self.forms()]  # validate all, to show every error
        formset = getattr(self, "formset", None)
        if formset is not None:
            results.append(formset.is_valid())
        return all(results)

    def changes(self):
        return StepChanges()

    def save(self, *, user, revision, key=None):
        """Write what the page's valid forms say; return a ``SaveResult``.

        ``key`` is the edit's idempotency key (a retry sends the same one). The
        services' refusals (``StaleRevision``, ``ConsultationFinal``,
        ``ValidationError``) pass through to the caller.
        """
        if not self.has_forms:  # a page that only shows content: nothing to save
            return SaveResult(revision=revision)
        return step_save(consultation=self.consultation, user=user, step=self.key,
                         revision=revision, changes=self.changes(), key=key)

    def context(self):
        return {}

    def _records(self, kind):
        return {r.item_id: r for r in item_records(self.consultation.pk, kind)}


class StartPage(Page):
    key = "start"
    template = "walkthrough/steps/start.html"

    def build(self):
        c = self.consultation
        self.form = wf.StartForm(self.data, prefix="start", version=self.version, initial={
            "patient_ref": c.patient_ref, "present": c.present,
            "present_other": c.present_other, "language": c.language,
            "pain_sites": c.pain_sites, "cancer_pain": c.cancer_pain,
        })

    def forms(self):
        return [self.form]

    def changes(self):
        return StepChanges(fields=self.form.values())


class DecisionPage(Page):
    key = "decision"
    template = "walkthrough/steps/decision.html"

    def build(self):
        self.sure = wf.SureForm(self.data, prefix="sure_before", initial=self.consultation.sure_before)

    def forms(self):
        return [self.sure]

    def changes(self):
        return StepChanges(fields={"sure_before": self.sure.values()})

    def context(self):
        return {"last_time": last_time(self.consultation) if self.consultation.follow_up_of_id else None}


def last_time(consultation):
    """For a follow-up visit: where the patient stood at the earlier one (their own
    words, SURE, values: ``aids.readmodel.last_time``) and, when this visit pins another
    version of the aid, which of its items changed (the editor's diff, item labels)."""
    from aids.admin.diff import version_diff

    last = readmodel_last_time(consultation)
    changed = last.earlier.version_id != consultation.version_id
    changes = []
    if changed:
        diff = version_diff(consultation.version, last.earlier.version)
        changes = [(part.label, [f"{item.label} ({item.status})" for item in part.items])
                   for part in diff.parts]
    return {"earlier": last.earlier, "data": last, "visit": last.visit, "version_changed": changed,
            "changes": changes, "carried_over": consultation.questions.filter(carried_over=True).count()}


class AboutPage(Page):
    key = "about"
    template = "walkthrough/steps/about.html"

    def load(self):
        self.sites = pain_sites(self.consultation)
        # Read once per published version (aids/frozen.py), references and forms included.
        self.sections = frozen_sections(self.version)

    def context(self):
        translation_id = self.consultation.translation_id
        first = [s for s in self.sections if self.sites.is_relevant(s)]
        other = [s for s in self.sections if not self.sites.is_relevant(s)]
        return {
            "sections_first": section_rows(self.version, translation_id, first),
            "sections_other": section_rows(self.version, translation_id, other),
            "sites": self.sites,
        }


class TopicsPage(Page):
    key = "topics"
    template = "walkthrough/steps/topics.html"

    def build(self):
        self.order = topic_order(self.consultation)
        skipped = set(self.consultation.skipped_topics or [])
        topics = [version_step(self.version, TOPIC_STEPS[t]) for t in self.order]
        initial = {f"skip_{t}": t in skipped for t in self.order}
        initial["order"] = ",".join(self.order)
        self.form = wf.TopicsForm(self.data, prefix="topics", topics=topics, initial=initial)

    def forms(self):
        return [self.form]

    def posted_order(self):
        raw = (self.form.cleaned_data.get("order") or "").split(",")
        chosen = [t for t in raw if t in TOPIC_BY_KEY]
        return chosen if is_topic_order(chosen) else list(self.order)

    def posted_move(self):
        """(topic, "up" | "down") when a card's move button was pressed, else None."""
        direction, _, topic = (self.data.get("move") or "").partition(":") if self.data else ("", "", "")
        return (topic, direction) if topic in TOPIC_BY_KEY and direction in ("up", "down") else None

    def posted_skipped(self):
        return [t for t in TOPIC_STEPS if self.form.cleaned_data.get(f"skip_{t}")]

    def save(self, *, user, revision, key=None):
        return topic_order_set(
            consultation=self.consultation, user=user, order=self.posted_order(),
            skipped=self.posted_skipped(), move=self.posted_move(), revision=revision, key=key,
        )

    def context(self):
        cards = [
            {
                "step": version_step(self.version, TOPIC_STEPS[t]),
                "summary": topic_summary(self.version, t),
                "field": self.form[f"skip_{t}"],
                "first": i == 0,
                "last": i == len(self.order) - 1,
            }
            for i, t in enumerate(self.order)
        ]
        steps = all_steps(self.consultation)
        after = next(s for s in steps[steps.index(self.step) + 1:] if not s.topic)
        return {"cards": cards, "after_topics": after}  # what comes next when every topic is skipped


class ItemsPage(Page):
    """Benefits, risks, criteria or options: each item with the clinician's record.

    Items that apply to the pain site recorded come first; the others follow
    under their own heading, never hidden (relevance, never eligibility).
    """

    def load(self):
        self.topic = TOPIC_BY_KEY[self.key]
        self.sites = pain_sites(self.consultation)
        # Read once per published version (aids/frozen.py), references and forms included.
        self.items = frozen_topic_items(self.version, self.key)

    @cached_property
    def records(self):
        """The clinician's records of this topic, read only when shown (a save reads
        them again under the consultation's lock, and posted forms need no initial)."""
        return self._records(self.topic.kind)

    @cached_property
    def item_forms(self):
        """[(item, ItemForm)]: built for a posted page (to validate and save it) and for a
        comparison of two saves, never to show a page just read (``Fields.saved``)."""
        kind = self.topic.kind
        item_forms = []
        for item in self.items:
            record = None if self.data is not None else self.records.get(item.pk)
            initial = {
                "discussed": record.discussed if record else False,
                "note": record.note if record else "",
                "selected": record.selected if record else False,
            }
            form = wf.ItemForm(
                self.data, prefix=f"{self.key}-{item.pk}", initial=initial, kind=kind,
                title=str(item), patient_view=self.patient_view,
            )
            item_forms.append((item, form))
        return item_forms

    @property
    def has_forms(self):
        """A field to save on this page: the clinician's ticks and notes, or (options) the
        patient's choice of what to compare, which the patient view keeps."""
        return bool(self.items) and (not self.patient_view or self.topic.kind == ItemRecord.Kind.OPTION)

    def row_fields(self):
        """[(item, Fields)] in the aid's order: from the bound forms of a posted page, else
        from the saved records, with no form built."""
        if self.data is not None:
            return [(item, Fields.from_form(form, str(item))) for item, form in self.item_forms]
        records, write = self.records, SavedFields(self.topic.kind, self.patient_view)
        return [(item, write(f"{self.key}-{item.pk}", records.get(item.pk), str(item)))
                for item in self.items]

    def forms(self):
        return [form for _item, form in self.item_forms if form.fields]

    def marking_all(self):
        """True when "Mark all as discussed" was pressed (each item can be unticked after)."""
        return bool(self.data) and self.data.get("mark_all") == self.key

    def changes(self):
        kind = self.topic.kind
        items = []
        for item, form in self.item_forms:
            if not form.fields:
                continue
            values = form.values()
            if "discussed" in values and self.marking_all():
                values["discussed"] = True
            items.append((kind, item.pk, values))
        return StepChanges(items=items)

    def cited(self):
        """The references the topic's items cite, in the version's order (once per version)."""
        def read():
            prefetch_references(self.items)
            cited = {ref.pk: ref for item in self.items for ref in item.references.all()}
            return sorted(cited.values(), key=lambda r: (r.order, r.pk))
        return kept(self.version, f"cited:{self.key}", read)

    def context(self):
        scoped, kind = self.topic.scoped, self.topic.kind
        translation_id = self.consultation.translation_id
        first, other = [], []
        for item, fields in self.row_fields():
            (first if not scoped or self.sites.is_relevant(item) else other).append((item, fields))
        return {
            "has_rows": bool(first or other),
            "rows_first": rows_html(self.version, translation_id, kind, first),
            "rows_other": rows_html(self.version, translation_id, kind, other),
            "sites": self.sites,
            "is_risk": self.key == "risks",
            "sources": content_html(self.version, translation_id, ("sources", self.key), self.sources_html),
            "intro": topic_intro(self.version, self.key),
        }

    def sources_html(self):
        """The list of the sources the topic's items cite (content only)."""
        if not self.topic.cited:
            return ""
        return get_template("walkthrough/layers/sources.html").render({"cited": self.cited()})


class BenefitsPage(ItemsPage):
    key = "benefits"
    template = "walkthrough/steps/outcomes.html"


class RisksPage(ItemsPage):
    key = "risks"
    template = "walkthrough/steps/outcomes.html"


class CriteriaPage(ItemsPage):
    key = "criteria"
    template = "walkthrough/steps/criteria.html"


class AlternativesPage(ItemsPage):
    key = "alternatives"
    template = "walkthrough/steps/alternatives.html"

    def changes(self):
        """The items, and the order the options were ticked in on this page (a hidden
        field the page's script keeps; without JavaScript, the order on the page)."""
        changes = super().changes()
        raw = (self.data.get("picked") or "") if self.data else ""
        changes.picked = [int(p) for p in raw.split(",") if p.strip().isdigit()]
        return changes

    def context(self):
        # The grid shows the options the patient chose to look at, in the order they chose
        # them (options_order); all of them, in the aid's order, until they choose.
        chosen = {o.pk: o for o in self.items if self.records.get(o.pk) and self.records[o.pk].selected}
        order = [pk for pk in self.consultation.options_order or [] if pk in chosen]
        order += [pk for pk in chosen if pk not in order]
        shown = [chosen[pk] for pk in order] or self.items
        # The grid is content only (a published version never changes): its HTML is kept
        # per version, translation, language and choice of options.
        grid = content_html(self.version, self.consultation.translation_id,
                            ("grid", tuple(o.pk for o in shown), not chosen),
                            lambda: self.grid_html(shown, all_shown=not chosen))
        return {**super().context(), "grid": grid}

    def grid_html(self, shown, *, all_shown):
        grid_answers(self.version)  # prefetched onto the version, for the grid partial
        # The grid's citations link to one list of the sources its answers cite.
        ids = {o.pk for o in shown}
        cited = {r.pk: r for a in self.version.grid_answers.all() if a.option_id in ids
                 for r in a.references.all()}
        return get_template("walkthrough/layers/grid.html").render({
            "version": self.version, "options": shown, "all_shown": all_shown,
            "cited": sorted(cited.values(), key=lambda r: (r.order, r.pk)),
        })


class ValuesPage(Page):
    key = "values"
    template = "walkthrough/steps/values.html"

    def load(self):
        self.statements = frozen_rows(self.version, "value_statements")
        # Posted forms need no initial: the saved ratings are read only to be shown.
        self.ratings = {} if self.data is not None else {
            r.statement_id: r for r in VALUE_RATINGS.rows(self.consultation.pk)}

    has_forms = True  # the patient's own words, at least (no rating form is built to say so)

    def _saved(self, statement):
        r = self.ratings.get(statement.pk)
        return "not_sure" if r and r.not_sure else ("" if not r or r.rating is None else str(r.rating))

    @cached_property
    def value_forms(self):
        """[(statement, ValueForm)]: for a posted page and a comparison of two saves; a page
        just read writes its ratings directly (``value_rows``)."""
        return [(statement, wf.ValueForm(self.data, prefix=f"value-{statement.pk}",
                                         initial={"rating": self._saved(statement)}, statement=statement))
                for statement in self.statements]

    def value_rows(self):
        if self.data is not None:
            rows = (radio_group(form["rating"], RATING_WRAPPER) for _s, form in self.value_forms)
        else:
            write = RadioWriter(RATING_CHOICES, RATING_WRAPPER)
            rows = (write(f"id_value-{s.pk}-rating", f"value-{s.pk}-rating", s.text, self._saved(s))
                    for s in self.statements)
        return mark_safe("".join(f'\n<div class="value-item">{row}</div>\n' for row in rows))

    def build(self):
        self.words = wf.OwnWordsForm(self.data, prefix="values",
                                     initial={"values_own_words": self.consultation.values_own_words})

    def forms(self):
        return [f for _s, f in self.value_forms] + [self.words]

    def changes(self):
        ratings = []
        for statement, form in self.value_forms:
            rating, not_sure = form.values()
            ratings.append((statement.pk, rating, not_sure))
        return StepChanges(
            fields={"values_own_words": self.words.cleaned_data["values_own_words"]}, ratings=ratings
        )

    def context(self):
        return {"value_rows": self.value_rows(), "words_form": self.words}


class QuestionsPage(Page):
    key = "questions"
    template = "walkthrough/steps/questions.html"

    def load(self):
        self.understanding = frozen_rows(self.version, "understanding_questions")
        # Posted forms need no initial: what is saved is read only to be shown.
        self.questions = [] if self.data is not None else QUESTIONS.rows(self.consultation.pk)


    def build(self):
        initial = [
            {"id": q.pk, "question": q.question, "answer": q.answer, "status": q.status}
            for q in self.questions
        ]
        self.formset = wf.QuestionFormSet(self.data, prefix="questions", initial=initial)
        carried = {q.pk for q in self.questions if q.carried_over}
        for form in self.formset.forms:  # marked on the page: open at the earlier visit
            form.carried_over = form.initial.get("id") in carried
        self.sure = wf.SureForm(self.data, prefix="sure_after", initial=self.consultation.sure_after)

    has_forms = True  # the questions and the SURE answers, at least

    @cached_property
    def understanding_forms(self):
        """[(question, UnderstandingForm, saved answer)]: for a posted page and a comparison
        of two saves; a page just read writes its answers directly (``understanding_rows``)."""
        forms = []
        for question in self.understanding:
            saved = None if self.data is not None else self.answers.get(question.pk)
            form = wf.UnderstandingForm(
                self.data, prefix=f"understanding-{question.pk}",
                initial={"answer": saved.answer if saved else ""}, question=question,
            )
            forms.append((question, form, saved))
        return forms

    def understanding_rows(self):
        """Each understanding question's radios, and its explanation once an answer is saved."""
        if self.data is not None:
            rows = [(q, radio_group(form["answer"], "radios-inline")) for q, form, _s in self.understanding_forms]
        else:
            write = RadioWriter(UnderstandingAnswer.Answer.choices, "radios-inline")
            rows = [(q, write(f"id_understanding-{q.pk}-answer", f"understanding-{q.pk}-answer", q.statement,
                              getattr(self.answers.get(q.pk), "answer", "") or ""))
                    for q in self.understanding]
        template = get_template("walkthrough/layers/understanding.html")
        return mark_safe("".join(template.render({"question": q, "radios": mark_safe(radios),
                                                  "saved": self.answers.get(q.pk)})
                                 if self.answers.get(q.pk) else
                                 f'\n  <div class="understanding-item">\n    {radios}\n  </div>\n'
                                 for q, radios in rows))

    @cached_property
    def answers(self):
        return {a.question_id: a for a in UNDERSTANDING_ANSWERS.rows(self.consultation.pk)}

    def forms(self):
        return [*self.formset.forms, *(f for _q, f, _s in self.understanding_forms), self.sure]

    def changes(self):
        rows = []
        for form in self.formset.forms:
            d = form.cleaned_data
            if not d.get("id") and not (d.get("question") or "").strip():
                rows.append({"id": None, "question": "", "answer": ""})  # a blank extra row
                continue
            rows.append({
                "id": d.get("id"), "question": d.get("question") or "",
                "answer": d.get("answer") or "", "status": d.get("status") or PatientQuestion.Status.OPEN,
            })
        understanding = [
            (q.pk, form.cleaned_data.get("answer") or "") for q, form, _s in self.understanding_forms
        ]
        return StepChanges(
            fields={"sure_after": self.sure.values()}, questions=rows, understanding=understanding
        )

    def context(self):
        # Each answer as saved (its explanation shows once saved), a posted page included.
        return {"formset": self.formset, "understanding_rows": self.understanding_rows(), "sure": self.sure}


class NextPage(Page):
    key = "next"
    template = "walkthrough/steps/next.html"


    def build(self):
        c = self.consultation
        self.form = wf.NextStepsForm(self.data, prefix="next", initial={
            "positions": c.positions, "position_words": c.position_words,
            "preference_words": c.preference_words, "next_steps": c.next_steps,
            "follow_up_on": c.follow_up_on,
        })

    def forms(self):
        return [self.form]

    def changes(self):
        return StepChanges(fields=self.form.values())

    def context(self):
        c = self.consultation
        return {
            "open_questions": [q for q in QUESTIONS.rows(c.pk) if q.status == PatientQuestion.Status.OPEN],
            "sure_before": sure_from(c.sure_before),
            "sure_after": sure_from(c.sure_after),
        }


PAGES = {
    cls.key: cls
    for cls in (StartPage, DecisionPage, AboutPage, TopicsPage, BenefitsPage, RisksPage,
                CriteriaPage, AlternativesPage, ValuesPage, QuestionsPage, NextPage)
}
