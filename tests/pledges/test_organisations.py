"""An organisation's people: invitations, requests to join, removal, the focal-point role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from pledges import services
from pledges.models import Invitation, JoinRequest, Membership, MembershipRole
from pledges.workflow import WorkflowError
from tests.factories import UserFactory
from tests.mail import recipients

pytestmark = pytest.mark.django_db


def detail(organisation) -> str:
    return reverse("portal:organisation_detail", args=[organisation.pk])


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("member", 200),
        ("focal_point", 200),
        ("secretariat", 200),
    ],
)
def test_who_sees_an_organisations_page(client, request, organisation, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(detail(organisation)).status_code == expected


def test_only_focal_points_see_the_management_tools(client, member, focal_point, organisation):
    client.force_login(member)
    assert "Invite a member" not in client.get(detail(organisation)).content.decode()
    client.force_login(focal_point)
    assert "Invite a member" in client.get(detail(organisation)).content.decode()


def test_focal_point_invites_and_the_invited_person_joins(
    client, focal_point, organisation, django_capture_on_commit_callbacks
):
    client.force_login(focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:member_invite", args=[organisation.pk]),
            {"email": "new@ngo.example", "role": "member"},
        )
    invitation = Invitation.objects.get(email="new@ngo.example")
    assert recipients(mail.outbox[-1]) == ["new@ngo.example"]
    assert f"/portal/invitations/{invitation.token}/" in mail.outbox[-1].body

    newcomer = UserFactory(email="New@ngo.example")
    client.force_login(newcomer)
    url = reverse("portal:invitation_accept", args=[invitation.token])
    assert client.get(url).status_code == 200
    client.post(url)
    assert Membership.objects.filter(user=newcomer, organisation=organisation).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == newcomer
    assert client.get(url).status_code == 404  # used once


def test_an_invitation_is_for_its_address_only(focal_point, organisation):
    invitation = services.member_invite(
        organisation=organisation, by=focal_point, email="a@x.example"
    )
    intruder = UserFactory(email="b@x.example")
    with pytest.raises(PermissionDenied, match=r"a@x\.example"):
        services.invitation_accept(token=invitation.token, by=intruder)
    assert not Membership.objects.filter(user=intruder).exists()


def test_an_old_invitation_has_expired(focal_point, organisation):
    invitation = services.member_invite(
        organisation=organisation, by=focal_point, email="a@x.example"
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=15)
    )
    with pytest.raises(WorkflowError, match="expired"):
        services.invitation_accept(token=invitation.token, by=UserFactory(email="a@x.example"))


def test_members_cannot_invite(client, member, organisation):
    client.force_login(member)
    client.post(
        reverse("portal:member_invite", args=[organisation.pk]),
        {"email": "x@y.example", "role": "member"},
    )
    assert not Invitation.objects.exists()


def test_outsiders_cannot_invite_into_another_organisation(client, outsider, organisation):
    client.force_login(outsider)
    response = client.post(
        reverse("portal:member_invite", args=[organisation.pk]),
        {"email": "x@y.example", "role": "member"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_focal_point_removes_a_member_but_not_the_last_focal_point(
    client, focal_point, member, organisation
):
    client.force_login(focal_point)
    membership = Membership.objects.get(user=member)
    client.post(reverse("portal:member_remove", args=[organisation.pk, membership.pk]))
    assert not Membership.objects.filter(user=member).exists()
    own = Membership.objects.get(user=focal_point)
    with pytest.raises(WorkflowError, match="needs a focal point"):
        services.member_remove(membership=own, by=focal_point)


def test_a_member_cannot_remove_another(client, member, focal_point, organisation):
    client.force_login(member)
    target = Membership.objects.get(user=focal_point)
    client.post(reverse("portal:member_remove", args=[organisation.pk, target.pk]))
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_member_may_leave(client, member, focal_point, organisation):
    client.force_login(member)
    own = Membership.objects.get(user=member)
    client.post(reverse("portal:member_remove", args=[organisation.pk, own.pk]))
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_focal_point_passes_the_role_on(client, focal_point, member, organisation):
    client.force_login(focal_point)
    membership = Membership.objects.get(user=member)
    client.post(reverse("portal:focal_point_transfer", args=[organisation.pk, membership.pk]))
    roles = dict(Membership.objects.values_list("user__email", "role"))
    assert roles[member.email] == MembershipRole.FOCAL_POINT
    assert roles[focal_point.email] == MembershipRole.MEMBER


def test_someone_asks_to_join_and_the_focal_point_approves(
    client, focal_point, organisation, django_capture_on_commit_callbacks
):
    applicant = UserFactory(email="applicant@example.org")
    client.force_login(applicant)
    search = client.get(reverse("portal:organisation_join"), {"q": organisation.name[:6]})
    assert organisation.name in search.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:organisation_join"),
            {"organisation": organisation.pk, "message": "I coordinate our Nairobi office."},
        )
    join_request = JoinRequest.objects.get(user=applicant)
    assert recipients(mail.outbox[-1]) == [focal_point.email]
    assert "Nairobi office" in mail.outbox[-1].body

    client.force_login(focal_point)
    page = client.get(detail(organisation))
    assert "applicant@example.org" in page.content.decode()
    client.post(
        reverse("portal:join_request_decide", args=[organisation.pk, join_request.pk, "approve"])
    )
    assert Membership.objects.filter(user=applicant, organisation=organisation).exists()


def test_asking_twice_is_refused_politely(focal_point, organisation):
    applicant = UserFactory()
    services.join_request_create(organisation=organisation, by=applicant)
    with pytest.raises(WorkflowError, match="asked already"):
        services.join_request_create(organisation=organisation, by=applicant)


def test_only_focal_points_decide_requests(client, member, organisation):
    applicant = UserFactory()
    join_request = services.join_request_create(organisation=organisation, by=applicant)
    client.force_login(member)
    client.post(
        reverse("portal:join_request_decide", args=[organisation.pk, join_request.pk, "approve"])
    )
    join_request.refresh_from_db()
    assert join_request.status == "pending"
