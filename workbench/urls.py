from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from policies.views import language

# The admin signs in through allauth's pages, so its throttling and two-factor authentication apply there too.
# Replacing the site's login method is allauth's documented way; mypy refuses any assignment to a method.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    # django-allauth: sign-in, sign-up, email, password, two-factor authentication, OpenID Connect providers.
    path("accounts/", include("allauth.urls")),
    # Django's set_language, which also saves a signed-in user's choice on their profile.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("api/", include("policies.api.urls")),
    path("", include("policies.urls")),
]
