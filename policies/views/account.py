"""One's own account beyond allauth's pages: an overview, a download of one's data, deleting the account."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from policies.selectors.team_security import has_totp
from policies.services.audit import address_of
from policies.services.personal_data import delete_account, export_personal_data, lone_ownerships
from policies.views.requests import AuthenticatedHttpRequest


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "policies/account.html", {"has_totp": has_totp(request.user)})


@login_required
@never_cache
def account_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="workbench-my-data-{stamp}.json"'
    return response


@login_required
@reauthentication_required  # type: ignore[untyped-decorator]  # allauth ships no types
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Asks for the password again (allauth's reauthentication) before it deletes anything."""
    blocked = lone_ownerships(request.user)
    if request.method == "POST":
        if request.POST.get("confirm") != "delete":
            messages.error(request, _("Tick the box to confirm that you want your account deleted."))
        else:
            try:
                delete_account(user=request.user, address=address_of(request))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                logout(request)
                messages.success(request, _("Your account was deleted."))
                return redirect("account_login")
    return render(request, "policies/account_delete.html", {"blocked": blocked}, status=200)
