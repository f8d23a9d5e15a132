"""Pages anyone may open without logging in: the reading-at-home page of each
published aid version and the CollaboRATE questions. They hold no patient data and
set no cookie (no session, no CSRF cookie)."""
