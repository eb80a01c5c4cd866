from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from indicators import views as indicator_views
from indicators.api import views as indicator_api
from pledges.api import portal as portal_api
from pledges.api import views as pledge_api
from pledges.feeds import AreaUpdatesFeed, ObjectiveUpdatesFeed, PledgeUpdatesFeed, UpdatesFeed
from pledges.selectors import published_targets_on
from pledges.views import downloads, following, public
from pledges.views.public import public_data
from tracker import views
from tracker.idempotency import idempotent

admin.site.site_header = "GCM Pledge Tracker: secretariat workbench"
admin.site.site_title = "GCM Pledge Tracker admin"
admin.site.index_title = "Review and reference data"
# The desk's lists need the whole width of a 1280-pixel screen; the first page lists the apps.
admin.site.enable_nav_sidebar = False
# One login for everybody, with throttling and the second factor: allauth's.
admin.site.login = secure_admin_login(admin.site.login)

# The indicator pages belong to `indicators`, which knows nothing of pledges: the project hands
# them the pledge selector that lists who has pledged on an indicator.
indicator_pages = (
    [
        path("", public_data(indicator_views.IndicatorIndexView.as_view()), name="index"),
        path(
            "<int:pk>/",
            public_data(
                indicator_views.IndicatorDetailView.as_view(pledges_for=published_targets_on)
            ),
            name="detail",
        ),
        path("<int:pk>/data.csv", public_data(indicator_views.indicator_data_csv), name="data_csv"),
    ],
    "indicators",
)

# The API: everything public for anyone; the portal's writes for holders of a key.
api_v1 = (
    [
        path("", views.api_root, name="root"),
        path("pledges/", public_data(pledge_api.PledgeList.as_view()), name="pledges"),
        path(
            "pledges/<str:reference>/",
            public_data(pledge_api.PledgeDetail.as_view()),
            name="pledge",
        ),
        path("updates/", public_data(pledge_api.UpdateList.as_view()), name="updates"),
        path(
            "organisations/",
            public_data(pledge_api.OrganisationList.as_view()),
            name="organisations",
        ),
        path("cycles/", public_data(pledge_api.CycleList.as_view()), name="cycles"),
        path("reports/", public_data(pledge_api.ReportList.as_view()), name="reports"),
        path("objectives/", public_data(indicator_api.ObjectiveList.as_view()), name="objectives"),
        path("principles/", public_data(indicator_api.PrincipleList.as_view()), name="principles"),
        path(
            "indicator-sets/",
            public_data(indicator_api.IndicatorSetList.as_view()),
            name="indicator_sets",
        ),
        path("indicators/", public_data(indicator_api.IndicatorList.as_view()), name="indicators"),
        path("areas/", public_data(indicator_api.AreaList.as_view()), name="areas"),
        path(
            "observations/",
            public_data(indicator_api.ObservationList.as_view()),
            name="observations",
        ),
        path("open-data/", views.open_data_api, name="open_data"),
        path("schemas/pledge.json", views.pledge_schema, name="pledge_schema"),
        # The portal for machines: your organisations' pledges and updates, behind a key.
        path(
            "portal/organisations/",
            portal_api.MyOrganisationList.as_view(),
            name="portal_organisations",
        ),
        path(
            "portal/pledges/",
            idempotent(portal_api.PortalPledgeList.as_view()),
            name="portal_pledges",
        ),
        path(
            "portal/pledges/<str:reference>/",
            portal_api.PortalPledgeDetail.as_view(),
            name="portal_pledge",
        ),
        path(
            "portal/pledges/<str:reference>/submit/",
            portal_api.PortalPledgeSubmit.as_view(),
            name="portal_pledge_submit",
        ),
        path(
            "portal/pledges/<str:reference>/evidence/",
            idempotent(portal_api.PortalPledgeEvidence.as_view()),
            name="portal_pledge_evidence",
        ),
        path(
            "portal/pledges/<str:reference>/updates/",
            idempotent(portal_api.PortalUpdateList.as_view()),
            name="portal_updates",
        ),
        path(
            "portal/updates/<int:pk>/",
            portal_api.PortalUpdateDetail.as_view(),
            name="portal_update",
        ),
        path(
            "portal/updates/<int:pk>/submit/",
            portal_api.PortalUpdateSubmit.as_view(),
            name="portal_update_submit",
        ),
        path(
            "portal/updates/<int:pk>/evidence/",
            idempotent(portal_api.PortalUpdateEvidence.as_view()),
            name="portal_update_evidence",
        ),
        path("portal/invitations/", portal_api.InvitationList.as_view(), name="portal_invitations"),
        path(
            "portal/invitations/<int:pk>/accept/",
            portal_api.InvitationAnswer.as_view(accept=True),
            name="portal_invitation_accept",
        ),
        path(
            "portal/invitations/<int:pk>/decline/",
            portal_api.InvitationAnswer.as_view(accept=False),
            name="portal_invitation_decline",
        ),
    ],
    "api",
)

handler404 = "tracker.views.page_not_found"

# Pages people read, in their language: English at the plain address, the other languages
# under their prefix (/fr/, /ar/...), so that each language is cached and shared as its own.
pages = [
    path("", views.home, name="home"),
    path("pledges/", public.explorer, name="explorer"),
    path("pledges/<str:reference>/", public.pledge_page, name="pledge"),
    path("map/", public.pledge_map, name="map"),
    path("areas/<str:code>/", public.area_page, name="area"),
    path("organisations/<int:pk>/", public.organisation_page, name="organisation"),
    path("follow/", following.follow, name="follow"),
    path("follow/<str:token>/confirm/", following.follow_confirm_view, name="follow_confirm"),
    path("follow/<str:token>/cancel/", following.follow_cancel_view, name="follow_cancel"),
    path("data/", views.open_data_page, name="open_data"),
    path("cycles/", public.cycle_index, name="cycles"),
    path("cycles/<str:code>/", public.cycle_page, name="cycle"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("objectives/", public.objective_index, name="objectives"),
    path("objectives/<int:number>/", public.objective_page, name="objective"),
    path("accounts/", include("allauth.urls")),
    path("portal/api-keys/", views.api_tokens, name="api_tokens"),
    path("portal/api-keys/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("portal/", include("pledges.urls")),
    path("indicators/", include(indicator_pages)),
]

urlpatterns = [
    # Browsers and crawlers ask for it whatever the pages say.
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/worker", views.healthz_worker, name="healthz_worker"),
    path("pledges.csv", downloads.explorer_csv, name="explorer_csv"),
    path("pledges.xlsx", downloads.explorer_xlsx, name="explorer_xlsx"),
    path("feeds/updates.atom", UpdatesFeed(), name="feed_updates"),
    path("feeds/pledges/<str:reference>.atom", PledgeUpdatesFeed(), name="feed_pledge"),
    path("feeds/objectives/<int:number>.atom", ObjectiveUpdatesFeed(), name="feed_objective"),
    path("feeds/areas/<str:code>.atom", AreaUpdatesFeed(), name="feed_area"),
    path("data/gcm-open-data.zip", views.open_data_download, name="open_data_download"),
    path("reports/<int:pk>/<str:format>/", views.report_download, name="report_download"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
    *i18n_patterns(*pages, prefix_default_language=False),
]
