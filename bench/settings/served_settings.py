"""What the benchmarks serve: the dev settings with DEBUG off, as production runs.

DEBUG keeps every SQL statement of a request in memory with its text (Django's
`CursorDebugWrapper`), which production never pays. The per-account RSVP rate
limit is lifted: `rsvp.py` loops sign-up / cancel for 200 accounts far faster
than a person presses, and its answers would be 429s instead of the sign-ups
it measures (the limiter still runs on every request).
"""

from district.settings.dev import *
from district.settings.dev import RATE_LIMITS

DEBUG = False
RATE_LIMITS = {**RATE_LIMITS, "rsvp": "1000000/m"}
