"""The membership lookups behind every member page and the API, for visitors who are members of nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from policies.selectors.access import get_case_for_user, get_team_for_user, teams_for_user
from tests.factories import CaseFactory, MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_reaches_no_team_not_even_one_nobody_belongs_to() -> None:
    empty = TeamFactory()  # its members all left: a lookup by a missing user id must not match it
    with pytest.raises(Http404):
        list(teams_for_user(AnonymousUser()))
    with pytest.raises(Http404):
        get_team_for_user(AnonymousUser(), empty.slug)


def test_a_member_reaches_their_own_team_and_its_cases_only() -> None:
    membership = MembershipFactory()
    other = MembershipFactory()
    case = CaseFactory(team=membership.team)
    assert list(teams_for_user(membership.user)) == [membership.team]
    assert get_case_for_user(membership.user, case.pk) == (case, membership)
    with pytest.raises(Http404):
        get_team_for_user(membership.user, other.team.slug)
    with pytest.raises(Http404):
        get_case_for_user(other.user, case.pk)
