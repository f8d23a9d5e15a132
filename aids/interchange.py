"""Aid JSON interchange: export a version, import a file as a new draft.

This is how hospitals share and review content, and how the bundled
tractotomy aid (aids/content/tractotomy.json) is loaded.

Format (format_version 1); every text is plain text (blank line = new paragraph,
lines starting with "- " are list items). Order in each list is the display order.

{
  "format": "sdm-aid",
  "format_version": 1,
  "aid": {"slug": "tractotomy", "title": "Tractotomy for severe chronic pain"},
  "version": {
    "number": 1, "status": "published",               # informative only; ignored on import
    "published_at": "...", "change_note": "...",        # informative only; ignored on import
    "decision": "one sentence",
    "audience": "who it is for",
    "intro": "text for the decision step",
    "unknowns": "one point per line",
    "funding_statement": "...", "conflicts_statement": "...", "update_policy": "...",
    "last_reviewed_on": "YYYY-MM-DD" | null, "next_review_due": "YYYY-MM-DD" | null,
    "warnings_justification": "why warnings were accepted",
    "ipdas_ticks": {"criterion_key": true},
    "contributors": [{"kind": "author" | "reviewer", "name": "...", "role": "..."}],
    "references": [{"key": "R1", "authors": "...", "title": "...", "source": "...",
                    "year": 2025 | null, "doi": "...", "url": "...", "note": "..."}],
    "sections": [{"heading": "...", "body": "..."}],
    "benefits": [{"title": "...", "description": "...",
                  "numerator": 80 | null, "denominator": 100 | null,
                  "unknown_reason": "" , "time_frame": "...",
                  "certainty": "moderate" | "low" | "very_low", "certainty_note": "...",
                  "references": ["R1", "R2"]}],
    "risks": [{...same as benefits...,
               "severity": "minor" | "moderate" | "serious" | "life",
               "lasting": "no" | "sometimes" | "yes" | "unknown"}],
    "criteria": [{"statement": "...", "explanation": "..."}],
    "options": [{"key": "tractotomy", "name": "...", "summary": "..."}],
    "grid_questions": [{"key": "involves", "text": "What is involved?"}],
    "grid_answers": [{"option": "tractotomy", "question": "involves", "text": "...",
                      "references": ["R1"]}],
    "value_statements": [{"text": "..."}],
    "understanding_questions": [{"statement": "...", "correct_answer": "true" | "false",
                                 "explanation": "..."}]
  }
}
"""
