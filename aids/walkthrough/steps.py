"""The step list every walkthrough page shows, with where the current step stands.

The steps themselves and their order are the decision's vocabulary
(``aids.vocabulary``): the record reads them too.
"""

from aids.vocabulary import all_steps, neighbours, sequence


def navigation(consultation, current_key):
    """What a page needs to show where it stands and where Back and Next go.

    {"nav": [{step, number, current, skipped}], "previous", "following",
    "number" (of the current step among those taken), "total", "is_skipped"}.
    """
    skipped = set(consultation.skipped_topics or [])
    taken = sequence(consultation)
    numbers = {s.key: i for i, s in enumerate(taken, start=1)}
    previous, following = neighbours(consultation, current_key)
    return {
        "nav": [
            {"step": s, "number": numbers.get(s.key), "current": s.key == current_key,
             "skipped": s.key in skipped}
            for s in all_steps(consultation)
        ],
        "previous": previous,
        "following": following,
        "number": numbers.get(current_key),
        "total": len(taken),
        "is_skipped": current_key in skipped,
    }
