"""The language switcher: Django's own view, plus the choice saved on the signed-in user's profile."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from policies.middleware import SESSION_KEY
from policies.services import preferences


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Sets the cookie (Django's view: redirect to ``next``) and, for a signed-in user, the profile, so the
    choice survives logging out and applies on any other browser."""
    language = request.POST.get("language", "")
    if not preferences.known_language(language):
        return HttpResponseBadRequest(_("Unknown language."))
    response = django_set_language(request)
    if request.user.is_authenticated:
        preferences.set_language(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    return response
