"""The shared decision-making report for clinical leads: counts over finalized
consultations, never a patient reference, a clinician or a single consultation.

What it counts (over consultations finalized in the period):
- consultations per aid version;
- per topic, how many did not discuss it: the patient chose to skip it, or no item of
  it was marked as discussed;
- SURE before and after: per question, how many answered "yes", and how many answered
  all four "yes" (of those who answered all four);
- CollaboRATE: consultations whose patient was offered a link, how many answered
  (response rate), and the top-box share: the proportion answering 9 on all three
  items, as its authors score it (Barr et al., 2014).
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from aids.models import CollaborateInvite, CollaborateResponse, Consultation, ItemRecord
from aids.vocabulary import SURE_ITEMS, SURE_KEYS, TOPIC_LIST, sure_clean


@dataclass
class Share:
    count: int
    of: int

    @property
    def percent(self):
        return round(100 * self.count / self.of) if self.of else None

    def __str__(self):
        return f"{self.count} of {self.of}" + (f" ({self.percent}%)" if self.of else "")


@dataclass
class Report:
    start: object
    end: object
    total: int = 0
    versions: list = field(default_factory=list)  # [(aid title, number, count)]
    topics: list = field(default_factory=list)  # [(title, skipped, none marked, not discussed)]
    sure: list = field(default_factory=list)  # [(question, yes before, yes after)]
    sure_all_yes: tuple = (Share(0, 0), Share(0, 0))  # before, after
    invited: int = 0
    answered: int = 0
    top_box: int = 0

    @property
    def response_rate(self):
        return Share(self.answered, self.invited)

    @property
    def top_box_share(self):
        return Share(self.top_box, self.answered)


def sdm_report(*, start=None, end=None):
    """The report over consultations finalized from ``start`` to ``end`` (dates, inclusive;
    either may be None). Five queries, whatever the number of consultations."""
    finals = Consultation.objects.filter(status=Consultation.Status.FINAL)
    if start:
        finals = finals.filter(finalized_at__date__gte=start)
    if end:
        finals = finals.filter(finalized_at__date__lte=end)
    rows = list(finals.values("pk", "version__aid__title", "version__number", "skipped_topics",
                              "sure_before", "sure_after"))
    report = Report(start=start, end=end, total=len(rows))
    ids = [r["pk"] for r in rows]

    per_version = Counter((r["version__aid__title"], r["version__number"]) for r in rows)
    report.versions = [(title, number, n) for (title, number), n in sorted(per_version.items())]

    marked = set(ItemRecord.objects.filter(consultation_id__in=ids, discussed=True)
                 .values_list("consultation_id", "kind").distinct())
    for topic in TOPIC_LIST:
        skipped = sum(1 for r in rows if topic.key in (r["skipped_topics"] or []))
        unmarked = sum(1 for r in rows if topic.key not in (r["skipped_topics"] or [])
                       and (r["pk"], topic.kind) not in marked)
        report.topics.append((topic.title, skipped, unmarked, skipped + unmarked))

    before = [sure_clean(r["sure_before"]) for r in rows]
    after = [sure_clean(r["sure_after"]) for r in rows]
    report.sure = [(text, sum(1 for a in before if a.get(key) == "yes"),
                    sum(1 for a in after if a.get(key) == "yes"))
                   for key, _letter, text in SURE_ITEMS]
    report.sure_all_yes = tuple(_all_yes(answers) for answers in (before, after))

    report.invited = (CollaborateInvite.objects.filter(consultation_id__in=ids)
                      .values("consultation_id").distinct().count())
    answers = list(CollaborateResponse.objects.filter(consultation_id__in=ids)
                   .values_list("understand", "listen", "include"))
    report.answered = len(answers)
    report.top_box = sum(1 for a in answers if a == (9, 9, 9))
    return report


def _all_yes(answers):
    complete = [a for a in answers if len(a) == len(SURE_KEYS)]
    return Share(sum(1 for a in complete if all(v == "yes" for v in a.values())), len(complete))


class _SafeWriter:
    """csv.writer whose text cells cannot start a spreadsheet formula (an aid title is
    admin-typed text)."""

    def __init__(self, out):
        self._w = csv.writer(out)

    def writerow(self, row):
        self._w.writerow(["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@")
                          else c for c in row])


def report_csv(report):
    """The report as CSV (section, item, figure, count, of): one row per figure."""
    out = io.StringIO()
    w = _SafeWriter(out)
    w.writerow(["section", "item", "figure", "count", "of"])
    period = f"{report.start or 'first'} to {report.end or 'latest'}"
    w.writerow(["period", "finalized consultations", period, report.total, ""])
    for title, number, n in report.versions:
        w.writerow(["consultations per aid version", f"{title}, version {number}",
                    "finalized", n, report.total])
    for title, skipped, unmarked, total in report.topics:
        w.writerow(["topics not discussed", title, "skipped by the patient", skipped, report.total])
        w.writerow(["topics not discussed", title, "no item marked discussed", unmarked,
                    report.total])
        w.writerow(["topics not discussed", title, "not discussed (both)", total, report.total])
    for text, yes_before, yes_after in report.sure:
        w.writerow(["SURE", text, "yes before", yes_before, report.total])
        w.writerow(["SURE", text, "yes after", yes_after, report.total])
    for when, share in zip(("before", "after"), report.sure_all_yes):
        w.writerow(["SURE", "all four yes", when, share.count, share.of])
    w.writerow(["CollaboRATE", "response rate", "answered of offered", report.answered,
                report.invited])
    w.writerow(["CollaboRATE", "top-box share", "9 on all three items", report.top_box,
                report.answered])
    return out.getvalue()
