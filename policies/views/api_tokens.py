"""The user's personal API tokens: create one (its secret is shown once) and revoke them."""

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from policies.models import ApiToken, TokenScope
from policies.services.api_tokens import create_token, revoke_token
from policies.views.requests import AuthenticatedHttpRequest


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. “results notebook”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
    )
    expires = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        help_text=gettext_lazy("Optional. The token stops working at the end of that day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires(self) -> datetime | None:
        day = self.cleaned_data.get("expires")
        if day is None:
            return None
        if day < timezone.localdate():
            raise ValidationError(_("Choose today or a later day."))
        return timezone.make_aware(datetime.combine(day, time.max))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    secret = None
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = create_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires=form.cleaned_data["expires"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 422
            else:
                status = 201
                form = TokenForm()
        else:
            status = 422
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user_id=request.user.pk).order_by("-created", "-pk"),
        "created": created,
        "secret": secret,  # shown in this response only: it is stored nowhere
        "now": timezone.now(),
        "docs_url": reverse("api:openapi-view"),
        "api_root": request.build_absolute_uri("/api/"),
    }
    return render(request, "policies/api_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user_id=request.user.pk)
    revoke_token(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api-tokens")
