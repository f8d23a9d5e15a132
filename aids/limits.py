"""Size limits, in one place (plain constants: the settings import this module).

Every free-text note holds up to ``NOTE_LIMIT`` characters and the questions step up
to ``QUESTION_ROWS_MAX`` questions (a question and an answer each), so the largest
step a clinician can post holds about 20 million characters. Everything else
follows from that: the request size Django accepts, the text kept across a session
expiry, and the check autosave.js makes before sending.
"""

NOTE_LIMIT = 50_000  # one free-text note (documented in the README)
QUESTION_ROWS_MAX = 200  # questions on the questions step

# The largest step: every question row full, plus room for the step's other fields
# (understanding answers, SURE, the row bookkeeping).
STEP_OTHER_CHARS = 200_000
STEP_MAX_CHARS = QUESTION_ROWS_MAX * 2 * NOTE_LIMIT + STEP_OTHER_CHARS  # 20,200,000

# The request size cap (Django's DATA_UPLOAD_MAX_MEMORY_SIZE): UTF-8 takes at most
# four bytes a character, and step forms post as multipart/form-data, which sends the
# text as it is (no percent-encoding). Plus 1 MB for field names and separators.
REQUEST_MAX_BYTES = 4 * STEP_MAX_CHARS + 1_000_000  # 81,800,000 bytes, about 78 MiB
