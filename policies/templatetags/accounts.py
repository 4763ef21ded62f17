"""Template questions about accounts that allauth's context does not answer."""

from allauth.account.adapter import get_adapter
from django import template
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from policies.models import Role

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_open(context: template.Context) -> bool:
    """Whether the sign-up page would accept this visitor (open site, or an invitation in their session)."""
    request: HttpRequest | None = context.get("request")
    return bool(request is not None and get_adapter(request).is_open_for_signup(request))


#: Codes the history stores, in the reader's language (roles, and how someone joined or signed in).
HISTORY_WORDS = {
    "password": gettext_lazy("password"),
    "email": gettext_lazy("email invitation"),
    "link": gettext_lazy("shareable link"),
    "institution": gettext_lazy("institutional sign-in"),
    "creation": gettext_lazy("team creation"),
}


@register.filter
def history_word(code: object) -> str:
    """A role or a way of joining as a reader's word; unknown codes (a provider's id) stay as they are."""
    text = str(code)
    return str(dict(Role.choices).get(text) or HISTORY_WORDS.get(text) or text)
