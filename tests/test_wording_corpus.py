"""The directive-wording check on a corpus of steering and neutral sentences.

Precision: of the sentences flagged, how many steer. Recall: of the steering
sentences, how many are flagged. Both are printed (run with ``-s`` to see them,
or read the report line pytest shows for this test) and must stay at 0.9 or more.
"""

import pytest

from aids.wording import find_directive_wording
from wording_corpus import NEUTRAL, STEERING

PRECISION_MIN = 0.9
RECALL_MIN = 0.9


def _flagged(sentence):
    return bool(find_directive_wording(sentence))


def corpus_scores():
    true_pos = [s for s in STEERING if _flagged(s)]
    missed = [s for s in STEERING if not _flagged(s)]
    false_pos = [s for s in NEUTRAL if _flagged(s)]
    flagged = len(true_pos) + len(false_pos)
    precision = len(true_pos) / flagged if flagged else 0.0
    recall = len(true_pos) / len(STEERING)
    return precision, recall, missed, false_pos


def test_the_corpus_is_big_enough_and_has_no_sentence_twice():
    assert len(STEERING) >= 60 and len(NEUTRAL) >= 60
    assert len(set(STEERING)) == len(STEERING) and len(set(NEUTRAL)) == len(NEUTRAL)
    assert not set(STEERING) & set(NEUTRAL)


def test_precision_and_recall_on_the_corpus(record_property, capsys):
    precision, recall, missed, false_pos = corpus_scores()
    report = (
        f"wording corpus: {len(STEERING)} steering, {len(NEUTRAL)} neutral sentences; "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    record_property("precision", round(precision, 3))
    record_property("recall", round(recall, 3))
    with capsys.disabled():
        print(f"\n{report}")
        for s in missed:
            print(f"  missed (steering, not flagged): {s}")
        for s in false_pos:
            flagged = [(m.phrase, m.label) for m in find_directive_wording(s)]
            print(f"  false alarm (neutral, flagged): {s} -> {flagged}")

    assert precision >= PRECISION_MIN, report
    assert recall >= RECALL_MIN, report


@pytest.mark.parametrize("sentence", [
    "Most people in these studies had cancer pain.",
    "The risk of lasting weakness is higher after cordotomy: about 8 in 100 people.",
    "Better pain relief was reported in 80 in 100 people.",
])
def test_the_hard_neutral_cases_the_issue_names_are_not_flagged(sentence):
    assert find_directive_wording(sentence) == []


@pytest.mark.parametrize("sentence, label", [
    ("Cordotomy is safer than tractotomy.", "praises an option with a superlative or comparative"),
    ("Most people in your situation choose cordotomy.", "says what most people choose"),
    ("Cordotomy is the standard treatment for this kind of pain.",
     "frames an option as the standard or an authority's choice"),
    ("We prefer cordotomy for pain like yours.", "states the team's own preference"),
    ("The operation is very safe.", "reassures that an option is safe or works well"),
])
def test_each_kind_of_steering_is_named(sentence, label):
    assert label in [m.label for m in find_directive_wording(sentence)]
