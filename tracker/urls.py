from django.contrib import admin
from django.urls import path

from tracker import views

admin.site.site_header = "GCM Pledge Tracker: secretariat workbench"
admin.site.site_title = "GCM Pledge Tracker admin"
admin.site.index_title = "Review and reference data"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
