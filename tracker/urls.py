from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from tracker import views

admin.site.site_header = "GCM Pledge Tracker: secretariat workbench"
admin.site.site_title = "GCM Pledge Tracker admin"
admin.site.index_title = "Review and reference data"
# One login for everybody, with throttling and the second factor: allauth's.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("portal/", include("pledges.urls")),
    path("admin/", admin.site.urls),
]
