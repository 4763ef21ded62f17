from django.contrib import admin
from django.urls import include, path

from policies.views import language

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's set_language, which also saves a signed-in user's choice on their profile.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("api/", include("policies.api.urls")),
    path("", include("policies.urls")),
]
