"""Every status step of referrals, mentors and pairs, as tables: pure, no database.

The tables spell out DESIGN.md's lifecycles; the workflows' own maps must agree with them,
and each refusal names both statuses in the reader's language.
"""

from __future__ import annotations

from itertools import product

import pytest

from common.enums import MentorStatus, PairStatus, ReferralStatus
from mentoring import mentors, pairs, referrals

M, P, S = MentorStatus, PairStatus, ReferralStatus

MENTOR_STEPS = {
    (M.applicant, M.screened), (M.screened, M.interviewed), (M.interviewed, M.in_training),
    (M.in_training, M.certified), (M.certified, M.active), (M.active, M.inactive),
    (M.certified, M.inactive), (M.inactive, M.active),
    # rejected at any selection step
    (M.applicant, M.rejected), (M.screened, M.rejected), (M.interviewed, M.rejected),
    (M.in_training, M.rejected),
}
REFERRAL_STEPS = {
    (S.new, S.in_review), (S.in_review, S.accepted), (S.in_review, S.rejected),
    (S.new, S.withdrawn), (S.in_review, S.withdrawn),
}
# Completing needs the evaluation: ``pairs.complete``, never a bare step.
PAIR_STEPS = {
    (P.proposed, P.active), (P.proposed, P.ended_early), (P.active, P.paused),
    (P.active, P.ended_early), (P.paused, P.active), (P.paused, P.ended_early),
}


@pytest.mark.parametrize(("current", "target"), list(product(M, M)))
def test_mentor_steps(current: MentorStatus, target: MentorStatus) -> None:
    refusal = mentors.step_refusal(current, target)
    assert (refusal is None) == ((current, target) in MENTOR_STEPS)
    if refusal is not None:
        assert str(current.label) in str(refusal.message)
        assert str(target.label) in str(refusal.message)


@pytest.mark.parametrize(("current", "target"), list(product(S, S)))
def test_referral_steps(current: ReferralStatus, target: ReferralStatus) -> None:
    refusal = referrals.step_refusal(current, target)
    assert (refusal is None) == ((current, target) in REFERRAL_STEPS)
    if refusal is not None:
        assert str(current.label) in str(refusal.message)


@pytest.mark.parametrize(("current", "target"), list(product(P, P)))
def test_pair_steps(current: PairStatus, target: PairStatus) -> None:
    refusal = pairs.step_refusal(current, target)
    assert (refusal is None) == ((current, target) in PAIR_STEPS)
    evaluated = pairs.step_refusal(current, target, evaluated=True)
    assert (evaluated is None) == ((current, target) in PAIR_STEPS | {(P.active, P.completed)})
