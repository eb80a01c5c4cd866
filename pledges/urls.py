from django.urls import path

from pledges.views import corroborations, organisations, portal, updates

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("reminders/", portal.reminders_preference, name="reminders_preference"),
    path("organisations/new/", portal.organisation_register, name="organisation_register"),
    path("organisations/join/", organisations.organisation_join, name="organisation_join"),
    path(
        "organisations/<int:organisation_id>/",
        organisations.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<int:organisation_id>/invite/",
        organisations.member_invite,
        name="member_invite",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/remove/",
        organisations.member_remove,
        name="member_remove",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/focal-point/",
        organisations.focal_point_transfer,
        name="focal_point_transfer",
    ),
    path(
        "organisations/<int:organisation_id>/requests/<int:request_id>/<str:answer>/",
        organisations.join_request_decide,
        name="join_request_decide",
    ),
    path("invitations/<str:token>/", organisations.invitation_accept, name="invitation_accept"),
    path("pledges/new/", portal.pledge_create, name="pledge_create"),
    path("pledges/lookup/", portal.pledge_lookup, name="pledge_lookup"),
    path("partnerships/<int:link_id>/claim/", portal.partnership_claim, name="partnership_claim"),
    path(
        "partnerships/<int:link_id>/<str:answer>/",
        portal.partnership_respond,
        name="partnership_respond",
    ),
    path("pledges/<str:reference>/", portal.pledge_detail, name="pledge_detail"),
    path("pledges/<str:reference>/edit/", portal.pledge_edit, name="pledge_edit"),
    path("pledges/<str:reference>/submit/", portal.pledge_submit, name="pledge_submit"),
    path("pledges/<str:reference>/withdraw/", portal.pledge_withdraw, name="pledge_withdraw"),
    path("pledges/<str:reference>/revise/", portal.pledge_revise, name="pledge_revise"),
    path("pledges/<str:reference>/updates/new/", updates.update_new, name="update_new"),
    path("updates/<int:update_id>/edit/", updates.update_edit, name="update_edit"),
    path(
        "updates/<int:update_id>/evidence/",
        updates.update_evidence_add,
        name="update_evidence_add",
    ),
    path(
        "updates/<int:update_id>/evidence/<int:evidence_id>/remove/",
        updates.update_evidence_remove,
        name="update_evidence_remove",
    ),
    path("pledges/<str:reference>/corroborate/", corroborations.corroborate, name="corroborate"),
    path(
        "corroborations/<int:corroboration_id>/reply/",
        corroborations.corroboration_reply,
        name="corroboration_reply",
    ),
    path("updates/<int:update_id>/submit/", updates.update_submit, name="update_submit"),
    path("pledges/<str:reference>/evidence/", portal.evidence_add, name="evidence_add"),
    path(
        "pledges/<str:reference>/evidence/<int:evidence_id>/",
        portal.evidence_download,
        name="evidence_download",
    ),
    path(
        "pledges/<str:reference>/evidence/<int:evidence_id>/remove/",
        portal.evidence_remove,
        name="evidence_remove",
    ),
]
