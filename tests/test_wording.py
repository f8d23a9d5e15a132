"""aids.wording: directive wording is found; neutral text and disclaimers are not."""

import re

import pytest

from aids.wording import DIRECTIVE_PATTERNS, DirectiveMatch, find_directive_wording


def phrases(text):
    return [m.phrase for m in find_directive_wording(text)]


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("You should think about tractotomy.", "You should"),
        ("you shouldn't wait long", "you shouldn't"),
        ("You must stop your medicines.", "You must"),
        ("You need to decide soon.", "You need to"),
        ("You have to stay still.", "You have to"),
        ("You ought to ask.", "You ought to"),
        ("You'd better ask.", "You'd better"),
        ("We recommend cordotomy.", "We recommend"),
        ("I would recommend it.", "I would recommend"),
        ("Surgery is recommended for one-sided pain.", "is recommended"),
        ("Tractotomy is not recommended here.", "recommended"),
        ("Doctors recommend it.", "Doctors recommend"),
        ("It recommends tractotomy.", "recommends"),
        ("Guidelines give a recommendation.", "recommendation"),
        ("We do not hesitate to recommend it.", "recommend"),
        ("We advise a nerve block.", "We advise"),
        ("Our advice is to wait.", "Our advice"),
        ("It is advisable to wait.", "advisable"),
        ("We suggest a pump.", "We suggest"),
        ("Cordotomy is the best option.", "best option"),
        ("The best choice here is clear.", "best choice"),
        ("It is the best treatment.", "best treatment"),
        ("Tractotomy is right for you.", "right for you"),
        ("It is the right choice.", "right choice"),
        ("The right option for you is clear.", "right option for you"),
        ("It is not the best option for you.", "best option for you"),
        ("This is ideal for you.", "ideal for you"),
        ("A pump is suitable for you.", "suitable for you"),
        ("You are eligible for surgery.", "You are eligible"),
        ("You are not eligible for surgery.", "You are not eligible"),
        ("You’re eligible.", "You’re eligible"),
        ("Check eligibility first.", "eligibility"),
        ("People who are eligible may have it.", "eligible"),
        ("You qualify for a pump.", "You qualify"),
        ("You are a good candidate.", "good candidate"),
        ("Strongly consider a pump.", "Strongly consider"),
        ("Everyone should have this.", "should have"),
        ("It should be considered early.", "should be considered"),
        ("Don't wait.", "Don't wait"),
        ("Don’t delay.", "Don’t delay"),
        ("Do not wait too long.", "Do not wait"),
        ("Act now.", "Act now"),
        ("Decide before it's too late.", "before it's too late"),
        ("Your score is 7 out of 10.", "score"),
        ("The criteria are scored.", "scored"),
        ("You scored 3 of 7 criteria.", "scored"),
        ("Your sure score is high.", "score"),
        ("Options are ranked by benefit.", "ranked"),
        ("Cordotomy is the first choice.", "first choice"),
        ("If I were you, I would wait.", "If I were you"),
        ("In our opinion it helps.", "In our opinion"),
        ("YOU SHOULD ASK", "YOU SHOULD"),
        ("you\u00a0should ask", "you\u00a0should"),
        ("you\nshould ask", "you\nshould"),
        # Rendered pages escape apostrophes.
        ("Don&#x27;t wait.", "Don&#x27;t wait"),
    ],
)
def test_directive_wording_is_found(text, phrase):
    found = phrases(text)

    assert found == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        # The app's own disclaimers.
        "This aid informs and records a discussion. It does not recommend any treatment.",
        "Discussion record - not a recommendation",
        "it informs and records; the decision belongs to the patient.",
        "This aid does not make a recommendation.",
        "This aid does not make a recommendation about any treatment.",
        "The aid makes no recommendation.",
        "It never recommends a treatment.",
        "It doesn't recommend anything.",
        "It doesn’t recommend anything.",
        "It doesn&#x27;t recommend anything.",
        "This is not a recommendation.",
        "It is not intended as a recommendation.",
        "This record summarises a discussion and recommends no treatment.",
        "We do not recommend any option over another.",
        "The app never adds them up into a score.",
        "Each criterion is for discussion only: never counted, scored or turned into a verdict.",
        "Options are not ranked.",
        # SDM reassurance and validated instruments.
        "There is no best option: it depends on what matters to you.",
        "There is no single right choice.",
        "There is no right or wrong choice.",
        "Do you feel SURE about the best choice for you?",
        "Do you have enough support and advice to make a choice?",
        "SURE score 3 of 4 - some decisional conflict may be present",
        "The SURE test score is information for the patient.",
        # Neutral clinical content.
        "The pain has not been controlled by the best available treatment with medicines.",
        "Pain scores fell from an average of 6 to 2.",
        "Do you need to stay in hospital?",
        "What will you have to do before the operation?",
        "You will need to lie still while awake for testing.",
        "Frank and colleagues reported 202 patients.",
        "A multidisciplinary meeting thinks the procedure is worth discussing.",
        "The surgical team can tell you more.",
        "",
    ],
)
def test_neutral_text_is_not_flagged(text):
    found = phrases(text)

    assert found == []


def test_match_carries_phrase_label_and_position():
    text = "After talking, we recommend cordotomy."

    (match,) = find_directive_wording(text)

    assert isinstance(match, DirectiveMatch)
    assert match.phrase == "we recommend"
    assert match.label == "recommends or advises"
    assert text[match.start:match.end] == "we recommend"


def test_several_phrases_are_found_in_reading_order():
    text = "You should have it. We recommend it. It is the best option."

    found = phrases(text)

    assert found == ["You should", "We recommend", "best option"]


def test_a_disclaimer_does_not_excuse_a_recommendation_in_the_next_sentence():
    text = "This aid does not recommend a treatment. We recommend cordotomy."

    found = phrases(text)

    assert found == ["We recommend"]


def test_a_negation_in_an_earlier_clause_does_not_excuse_a_recommendation():
    text = "If the pain is not controlled; we recommend surgery."

    found = phrases(text)

    assert found == ["we recommend"]


def test_words_containing_a_pattern_are_not_flagged():
    found = phrases("Frankly, prescores, bestow, rightly, shoulder and Frank's candidates.")

    assert found == []


def test_every_pattern_is_compiled_case_insensitive_with_a_label():
    for pattern in DIRECTIVE_PATTERNS:
        assert isinstance(pattern.regex, re.Pattern)
        assert pattern.regex.flags & re.IGNORECASE
        assert pattern.label
