"""Run gunicorn with the suite's frozen day: ``python -m tests.browser.serve DAY ARGS…``.

The master process freezes ``common.clock`` before gunicorn forks its workers, so the
server under test sees the same today as the tests that drive it.
"""

from __future__ import annotations

import datetime as dt
import sys

from gunicorn.app.wsgiapp import run

from common import clock

if __name__ == "__main__":
    clock.freeze(dt.date.fromisoformat(sys.argv[1]))
    sys.argv = ["gunicorn", *sys.argv[2:]]
    run()
