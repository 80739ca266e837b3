"""Who could mentor this youth: hard requirements that exclude, and a transparent score.

``rank`` is pure: it takes plain objects and the active-pair counts, returns candidates in
order, each with the reasons behind its points and the requirements it fails. The weights
live in ``WEIGHTS`` and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from common.clock import age_on
from common.enums import Gender, MentorStatus
from common.i18n import _l, _ln
from mentoring.mentors import current_agreement, valid_check

WEIGHTS = {
    "same_locality": 30,
    "remote_priority": 15,  # a mentor living in a remote locality, where help is scarce
    "free_capacity": 10,  # per free place left
    "shared_interest": 8,  # per shared interest
    "shared_language": 5,  # per shared language
    "gender_preference": 20,
    "availability": 2,  # per meeting a month offered
}
PAIRABLE = (MentorStatus.certified, MentorStatus.active)


@dataclass
class Candidate:
    mentor: Any
    score: int = 0
    reasons: list[tuple[Any, int]] = field(default_factory=list)
    excluded: list[Any] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.excluded


def _words(text: str | None) -> set[str]:
    return {w.strip().lower() for w in (text or "").replace(";", ",").split(",") if w.strip()}


def exclusions(mentor: Any, youth: Any, programme: Any, active_pairs: int,
               on: dt.date) -> list[Any]:
    """Rules 2 and 3: why this mentor cannot take this youth now (empty: they can)."""
    reasons: list[Any] = []
    if mentor.status not in PAIRABLE:
        reasons.append(_l("Not certified."))
    if current_agreement(mentor, on) is None:
        reasons.append(_l("No signed cooperation agreement current on that date."))
    if valid_check(mentor, on) is None:
        reasons.append(_l("No valid Punishment Register statement without records on that date."))
    if age_on(mentor.birth_date, on) < programme.min_mentor_age:
        reasons.append(_l("Younger than the programme's minimum mentor age."))
    if programme.mentor_older_than_youth and mentor.birth_date >= youth.birth_date:
        reasons.append(_l("Not older than the youth."))
    if active_pairs >= programme.mentor_capacity:
        reasons.append(_ln("Capacity full (%(num)d active pair).",
                           "Capacity full (%(num)d active pairs).", active_pairs))
    return reasons


def score(mentor: Any, youth: Any, programme: Any, active_pairs: int) -> tuple[int, list[Any]]:
    """Points and the reasons for them; higher is a better match."""
    reasons: list[tuple[Any, int]] = []
    if mentor.locality_id is not None and mentor.locality_id == youth.locality_id:
        reasons.append((_l("Lives in the same locality."), WEIGHTS["same_locality"]))
    if mentor.locality is not None and mentor.locality.remote:
        reasons.append((_l("Lives in a remote locality (priority)."), WEIGHTS["remote_priority"]))
    free = max(programme.mentor_capacity - active_pairs, 0)
    if free:
        reasons.append((_ln("%(num)d free place.", "%(num)d free places.", free),
                        WEIGHTS["free_capacity"] * free))
    shared = _words(mentor.interests) & _words(youth.interests)
    if shared:
        reasons.append((_l("Shared interests: %(list)s.", list=", ".join(sorted(shared))),
                        WEIGHTS["shared_interest"] * len(shared)))
    languages = _words(mentor.languages) & _words(youth.languages)
    if languages:
        reasons.append((_l("Shared languages: %(list)s.", list=", ".join(sorted(languages))),
                        WEIGHTS["shared_language"] * len(languages)))
    preferred = youth.mentor_gender
    if preferred not in (None, Gender.unspecified) and mentor.gender == preferred:
        reasons.append((_l("The gender the youth prefers."), WEIGHTS["gender_preference"]))
    if mentor.meetings_per_month:
        reasons.append((_ln("Offers %(num)d meeting a month.", "Offers %(num)d meetings a month.",
                            mentor.meetings_per_month),
                        WEIGHTS["availability"] * mentor.meetings_per_month))
    return sum(points for _, points in reasons), reasons


def rank(mentors: list[Any], youth: Any, programme: Any, active_pairs: dict[int, int],
         on: dt.date, earlier_mentor_id: int | None = None) -> list[Candidate]:
    """Every mentor as a candidate: eligible ones first by score, then the excluded ones.
    For a rematch, the referral's earlier mentor is excluded."""
    candidates = []
    for mentor in mentors:
        load = active_pairs.get(mentor.id, 0)
        points, reasons = score(mentor, youth, programme, load)
        excluded = exclusions(mentor, youth, programme, load, on)
        if mentor.id == earlier_mentor_id:
            excluded.append(_l("The earlier mentor of this youth: a rematch is with another."))
        candidates.append(Candidate(mentor=mentor, score=points, reasons=reasons,
                                    excluded=excluded))
    return sorted(candidates, key=lambda c: (not c.eligible, -c.score, c.mentor.last_name,
                                             c.mentor.first_name, c.mentor.id))
