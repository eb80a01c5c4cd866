"""The write API: the portal for machines. A client signed in with a personal key (or the
site's own session) drafts, edits and submits its organisations' pledges and progress
updates, and answers partnership invitations, through the same forms, services and
permission checks as the portal's pages: the API can do nothing the portal forbids.

It acts for the user's organisations only: no secretariat powers here, whoever asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from pledges import services
from pledges.api.inputs import (
    EvidenceInput,
    PledgeCreateInput,
    PledgeInput,
    UpdateInput,
    evidence_values,
    pledge_content,
    pledge_lead,
    pledge_wire,
    update_form,
    update_wire,
)
from pledges.content import MEASUREMENT_ORDER, PledgeContent, UpdateContent
from pledges.models import (
    Evidence,
    Membership,
    Organisation,
    PartnerStatus,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    TargetMeasurement,
)
from pledges.permissions import (
    can_report_on,
    is_owner,
    organisation_ids_of,
    owner_organisation_ids,
    without_secretariat_powers,
)


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = gettext_lazy(
        "Say which version you edit: send the ETag you read as If-Match, or `version` in the "
        "body, so that nobody's changes are overwritten unseen."
    )


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("Someone saved this after you read it: read it again, then edit.")


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT


def etag(subject: Pledge | ProgressUpdate) -> str:
    return f'"v{subject.version}"'


def _expected_version(request: Request, subject: Pledge | ProgressUpdate) -> int:
    """The version the client edits, from If-Match or the body; a stale If-Match is a 412."""
    if_match = request.headers.get("If-Match")
    if if_match:
        if if_match.strip() not in (etag(subject), f"W/{etag(subject)}"):
            raise PreconditionFailed
        return subject.version
    version = request.data.get("version") if isinstance(request.data, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise PreconditionRequired
    return version


def _refused(error: ValidationError) -> serializers.ValidationError | Conflict:
    """A service's refusal as the API answers it: a stale edit is a conflict."""
    if isinstance(error, services.StaleEdit):
        return Conflict(detail=" ".join(error.messages))
    return serializers.ValidationError({"non_field_errors": error.messages})


class PortalView(GenericAPIView):
    permission_classes = (IsAuthenticated,)
    parser_classes = (JSONParser,)
    renderer_classes = (JSONRenderer, BrowsableAPIRenderer)
    filter_backends = ()
    pagination_class = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        without_secretariat_powers(request.user)

    def organisations(self) -> list[Organisation]:
        return list(Organisation.objects.filter(pk__in=organisation_ids_of(self.request.user)))

    def owned_pledge(self, reference: str) -> Pledge:
        pledge = get_object_or_404(
            Pledge.objects.select_related("cycle", "lead_organisation"), reference=reference
        )
        if not is_owner(self.request.user, pledge):
            raise Http404
        return pledge

    def owned_update(self, pk: int) -> ProgressUpdate:
        update = get_object_or_404(
            ProgressUpdate.objects.select_related("pledge__cycle", "pledge__lead_organisation"),
            pk=pk,
        )
        if not is_owner(self.request.user, update.pledge):
            raise Http404
        return update

    def answer(self, subject: Pledge | ProgressUpdate, status_code: int = 200) -> Response:
        """The subject as it is now, with its version as ETag (and its address when new)."""
        subject.refresh_from_db()
        record = pledge_record if isinstance(subject, Pledge) else update_record
        body = record(subject, self.request)
        headers = {"ETag": etag(subject)}
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = body["url"]
        return Response(body, status=status_code, headers=headers)


def pledge_record(pledge: Pledge, request: Request) -> dict[str, Any]:
    """A pledge as its owners read it through the API: its state and its whole content."""
    return {
        "reference": pledge.reference,
        "url": reverse("api:portal_pledge", args=[pledge.reference], request=request),
        "public_url": request.build_absolute_uri(pledge.get_absolute_url())
        if pledge.is_public
        else None,
        "cycle": pledge.cycle.code,
        "lead_organisation": pledge.lead_organisation_id,
        "review_state": pledge.review_state,
        "version": pledge.version,
        **pledge_wire(PledgeContent.of(pledge)),
        "partnerships": [
            {
                "id": link.pk,
                "organisation": link.organisation_id,
                "invited_email": link.invited_email or None,
                "status": link.status,
            }
            for link in pledge.partner_links.order_by("pk")
        ],
        "evidence": _evidence(pledge.evidence.filter(update=None)),
        "created_at": pledge.created_at,
        "updated_at": pledge.updated_at,
    }


def update_record(update: ProgressUpdate, request: Request) -> dict[str, Any]:
    return {
        "id": update.pk,
        "url": reverse("api:portal_update", args=[update.pk], request=request),
        "pledge": update.pledge.reference,
        "organisation": update.organisation_id,
        "review_state": update.review_state,
        "version": update.version,
        **update_wire(UpdateContent.of(update)),
        "evidence": _evidence(update.evidence.all()),
    }


def _evidence(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    return [
        {
            "id": item.pk,
            "title": item.title,
            "url": item.url or None,
            "file": item.file_name or None,
        }
        for item in sorted(evidence, key=lambda item: item.pk)
    ]


class PartnershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(allow_null=True)
    invited_email = serializers.EmailField(allow_null=True)
    status = serializers.CharField()


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField(allow_null=True)
    file = serializers.CharField(allow_null=True, help_text="The name of an attached file.")


class PledgeSummarySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    cycle = serializers.CharField(source="cycle.code")

    class Meta:
        model = Pledge
        fields = (
            "reference",
            "url",
            "cycle",
            "lead_organisation",
            "title",
            "review_state",
            "version",
            "updated_at",
        )

    def get_url(self, pledge: Pledge) -> str:
        return reverse(
            "api:portal_pledge", args=[pledge.reference], request=self.context["request"]
        )


class PledgeRecordSerializer(PledgeInput):
    """What the portal endpoints answer with: the content, its state and its version."""

    partnerships = PartnershipSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    reference = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True)
    public_url = serializers.URLField(read_only=True, allow_null=True)
    cycle = serializers.CharField(read_only=True)
    lead_organisation = serializers.IntegerField(read_only=True)
    review_state = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    class Meta(PledgeInput.Meta):
        fields = (
            "reference",
            "url",
            "public_url",
            "cycle",
            "lead_organisation",
            "review_state",
            *PledgeInput.Meta.fields,
            "partnerships",
            "evidence",
            "created_at",
            "updated_at",
        )


CREATE_EXAMPLE = OpenApiExample(
    "A joint pledge with a target",
    request_only=True,
    value={
        "cycle": "IMRF-2026",
        "lead_organisation": 12,
        "title": "Ten thousand migrant workers recruited fairly by 2030",
        "description": "We will certify recruitment agencies under the IRIS standard ...",
        "form_policy": True,
        "joint_kind": "partnership",
        "partners": [31],
        "main_objectives": [6],
        "principles": ["c"],
        "areas": ["KEN", "UGA"],
        "start_date": "2026-06-01",
        "deadline": "2030-12-31",
        "targets": [
            {
                "own_metric": "Workers recruited through certified agencies",
                "unit": "workers",
                "baseline_value": "1200",
                "baseline_year": 2025,
                "target_value": "10000",
                "target_year": 2030,
            }
        ],
    },
)
PATCH_EXAMPLE = OpenApiExample(
    "Change the deadline and a target's value",
    request_only=True,
    value={
        "deadline": "2031-06-30",
        "targets": [{"id": 812, "own_metric": "Workers recruited", "target_value": "12000"}],
    },
)
UPDATE_EXAMPLE = OpenApiExample(
    "Half-way there, with a value measured",
    request_only=True,
    value={
        "reported_on": "2027-06-30",
        "implementation_status": "in_progress",
        "percent_complete": 50,
        "narrative": "Forty agencies certified; 5,200 workers recruited through them.",
        "measurements": [{"target": 812, "value": "5200", "measured_on": "2027-06-30"}],
    },
)
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID): a request retried with the same key answers "
    "as the first did, instead of creating twice (remembered for 24 hours).",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read; a stale one is answered 412. Or send `version` in the body.",
)


class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organisation.id")
    name = serializers.CharField(source="organisation.name")
    kind = serializers.CharField(source="organisation.kind")
    accredited = serializers.BooleanField(
        source="organisation.accredited",
        help_text="Only accredited organisations submit pledges; others draft meanwhile.",
    )
    role = serializers.CharField()


class MyOrganisationList(PortalView):
    """The organisations you act for: lead a pledge for one of these."""

    serializer_class = MembershipSerializer

    @extend_schema(responses=MembershipSerializer(many=True))
    def get(self, request: Request) -> Response:
        memberships = Membership.objects.filter(user=request.user).select_related("organisation")
        return Response(
            MembershipSerializer(memberships.order_by("organisation__name"), many=True).data
        )


class PortalPledgeList(PortalView):
    """Your organisations' pledges in every state, newest first; draft new ones here."""

    serializer_class = PledgeRecordSerializer

    @extend_schema(responses=PledgeSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        """Your organisations' pledges (led or co-owned), in any review state."""
        pledges = (
            Pledge.objects.of_organisation_any(self.organisations())
            .select_related("cycle")
            .order_by("-created_at", "-pk")
        )
        return Response(
            PledgeSummarySerializer(pledges, many=True, context={"request": request}).data
        )

    @extend_schema(
        request=PledgeCreateInput,
        responses={201: PledgeRecordSerializer},
        parameters=[IDEMPOTENCY],
        examples=[CREATE_EXAMPLE],
        description="Draft a pledge for one of your organisations. Only the cycle, the lead "
        "and the title are needed; partners are invited at once.",
    )
    def post(self, request: Request) -> Response:
        given = PledgeCreateInput(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        draft = pledge_lead(values, organisations=self.organisations())
        content = pledge_content(draft, values)
        try:
            pledge = services.pledge_create(
                by=request.user,
                cycle=draft.cycle,
                lead_organisation=draft.lead_organisation,
                content=content,
            )
        except ValidationError as error:
            raise _refused(error) from error
        return self.answer(pledge, status.HTTP_201_CREATED)


class PortalPledgeDetail(PortalView):
    """One of your organisations' pledges: read it, edit it while it is a draft (or returned
    for changes)."""

    serializer_class = PledgeRecordSerializer

    def get(self, request: Request, reference: str) -> Response:
        return self.answer(self.owned_pledge(reference))

    @extend_schema(
        request=PledgeInput,
        parameters=[IF_MATCH],
        description="Replace the pledge's content: what is left out is emptied, targets left "
        "out are removed.",
    )
    def put(self, request: Request, reference: str) -> Response:
        return self._edit(request, reference, partial=False)

    @extend_schema(
        request=PledgeInput,
        parameters=[IF_MATCH],
        examples=[PATCH_EXAMPLE],
        description="Change the parts given; the rest stays as it is.",
    )
    def patch(self, request: Request, reference: str) -> Response:
        return self._edit(request, reference, partial=True)

    def _edit(self, request: Request, reference: str, *, partial: bool) -> Response:
        pledge = self.owned_pledge(reference)
        expected = _expected_version(request, pledge)
        given = PledgeInput(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        values = pledge_wire(PledgeContent.of(pledge)) if partial else {}
        values.update(given.validated_data)
        try:
            services.pledge_update(
                pledge=pledge,
                by=request.user,
                content=pledge_content(pledge, values),
                expected_version=expected,
            )
        except ValidationError as error:
            raise _refused(error) from error
        return self.answer(pledge)


class PortalPledgeSubmit(PortalView):
    """Send a complete draft to the secretariat for review."""

    serializer_class = PledgeRecordSerializer

    @extend_schema(request=None, responses=PledgeRecordSerializer)
    def post(self, request: Request, reference: str) -> Response:
        pledge = self.owned_pledge(reference)
        try:
            services.pledge_submit(pledge=pledge, by=request.user)
        except ValidationError as error:
            raise _refused(error) from error
        return self.answer(pledge)


class EvidenceCreate(PortalView):
    serializer_class = EvidenceInput

    def _add(self, request: Request, pledge: Pledge, update: ProgressUpdate | None) -> Response:
        given = EvidenceInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            services.evidence_add(
                pledge=pledge,
                by=request.user,
                update=update,
                **evidence_values(given.validated_data),
            )
        except ValidationError as error:
            raise _refused(error) from error
        if update is None:
            return self.answer(pledge, status.HTTP_201_CREATED)
        return self.answer(update, status.HTTP_201_CREATED)


class PortalPledgeEvidence(EvidenceCreate):
    """Add a link to evidence to a pledge you may edit (files go through the portal's page)."""

    @extend_schema(
        request=EvidenceInput, responses={201: PledgeRecordSerializer}, parameters=[IDEMPOTENCY]
    )
    def post(self, request: Request, reference: str) -> Response:
        return self._add(request, self.owned_pledge(reference), None)


class UpdateRecordSerializer(UpdateInput):
    id = serializers.IntegerField(read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    url = serializers.URLField(read_only=True)
    pledge = serializers.CharField(read_only=True)
    review_state = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)

    class Meta(UpdateInput.Meta):
        fields = ("id", "url", "pledge", "review_state", *UpdateInput.Meta.fields, "evidence")


class PortalUpdateList(PortalView):
    """Progress updates on one of your published pledges: list them (any state), draft one."""

    serializer_class = UpdateRecordSerializer

    @extend_schema(responses=UpdateRecordSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        pledge = self.owned_pledge(reference)
        updates = (
            pledge.updates.select_related("pledge")
            .prefetch_related(
                Prefetch(
                    "measurements",
                    queryset=TargetMeasurement.objects.select_related("target__indicator").order_by(
                        *MEASUREMENT_ORDER
                    ),
                ),
                "evidence",
            )
            .order_by("-reported_on", "-pk")
        )
        return Response([update_record(update, request) for update in updates])

    @extend_schema(
        request=UpdateInput,
        responses={201: UpdateRecordSerializer},
        parameters=[IDEMPOTENCY],
        examples=[UPDATE_EXAMPLE],
    )
    def post(self, request: Request, reference: str) -> Response:
        pledge = self.owned_pledge(reference)
        if not can_report_on(request.user, pledge):
            raise PermissionDenied(
                _("Progress is reported on published pledges not yet confirmed fulfilled.")
            )
        given = UpdateInput(data=request.data)
        given.is_valid(raise_exception=True)
        reporters = self._reporters(pledge)
        form = update_form(pledge, given.validated_data, organisations=reporters)
        try:
            update = services.update_create(
                pledge=pledge,
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                content=form.content(),
            )
        except ValidationError as error:
            raise _refused(error) from error
        return self.answer(update, status.HTTP_201_CREATED)

    def _reporters(self, pledge: Pledge) -> list[Organisation]:
        mine = organisation_ids_of(self.request.user) & owner_organisation_ids(pledge)
        return list(Organisation.objects.filter(pk__in=mine))


class PortalUpdateDetail(PortalView):
    """One progress update on a pledge of yours: read it, edit it while it is a draft."""

    serializer_class = UpdateRecordSerializer

    def get(self, request: Request, pk: int) -> Response:
        return self.answer(self.owned_update(pk))

    @extend_schema(
        request=UpdateInput,
        parameters=[IF_MATCH],
        description="Change the parts given; the rest stays as it is. The values measured, "
        "when given, replace those reported.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        update = self.owned_update(pk)
        expected = _expected_version(request, update)
        given = UpdateInput(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        values = update_wire(UpdateContent.of(update))
        values.update(given.validated_data)
        values["organisation"] = update.organisation_id
        form = update_form(
            update.pledge,
            values,
            organisations=[update.organisation],
            update=update,
        )
        try:
            services.update_edit(
                update=update, by=request.user, content=form.content(), expected_version=expected
            )
        except ValidationError as error:
            raise _refused(error) from error
        return self.answer(update)


class PortalUpdateSubmit(PortalView):
    serializer_class = UpdateRecordSerializer

    @extend_schema(request=None, responses=UpdateRecordSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Send a draft update to the secretariat for review."""
        update = self.owned_update(pk)
        try:
            services.update_submit(update=update, by=request.user)
        except ValidationError as error:
            raise _refused(error) from error
        return self.answer(update)


class PortalUpdateEvidence(EvidenceCreate):
    """Add a link to evidence to an update you may edit."""

    @extend_schema(
        request=EvidenceInput, responses={201: UpdateRecordSerializer}, parameters=[IDEMPOTENCY]
    )
    def post(self, request: Request, pk: int) -> Response:
        update = self.owned_update(pk)
        return self._add(request, update.pledge, update)


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pledge = serializers.CharField(source="pledge.reference")
    title = serializers.CharField(source="pledge.title")
    lead_organisation = serializers.IntegerField(source="pledge.lead_organisation_id")
    organisation = serializers.IntegerField(source="organisation_id")
    status = serializers.CharField()


class InvitationList(PortalView):
    """Invitations for your organisations to partner in others' pledges, waiting for an answer."""

    serializer_class = InvitationSerializer

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        invitations = PledgePartner.objects.filter(
            organisation__in=organisation_ids_of(request.user),
            status=PartnerStatus.INVITED,
            pledge__revision_of__isnull=True,
        ).select_related("pledge")
        return Response(InvitationSerializer(invitations.order_by("pk"), many=True).data)


class InvitationAnswer(PortalView):
    """Accept (your organisation then co-owns the pledge) or decline an invitation."""

    serializer_class = InvitationSerializer
    accept = True

    @extend_schema(request=None, responses=InvitationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        link = get_object_or_404(
            PledgePartner.objects.select_related("pledge", "organisation"),
            pk=pk,
            organisation_id__in=organisation_ids_of(request.user),
        )
        try:
            answered = services.partnership_respond(link=link, by=request.user, accept=self.accept)
        except ValidationError as error:
            raise _refused(error) from error
        return Response(InvitationSerializer(answered).data)
