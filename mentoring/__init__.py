"""The domain: rules, workflows, the access policy, audit, invoicing, documents, the CLI.

No Flask-Admin, no request objects, no URLs: functions take a session, plain values and an
explicit ``Actor``, flush and never commit. Importing the package registers every module's
record rules (``mentoring.rules``), so they hold wherever the domain is used.
"""

from mentoring import (  # noqa: F401  (each registers its record rules)
    checkins,
    consents,
    expenses,
    hours,
    invoicing,
    mentors,
    organisations,
    outcomes,
    pairs,
    recruitment,
    referrals,
    safety,
    users,
    youths,
)
