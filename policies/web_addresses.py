"""Addresses of source documents: only web pages, so that a link in the dossier can only open a page.

A ``javascript:`` address shown as a link runs its script in the reader's session when clicked; ``data:`` and
``file:`` ones are no better. The same rule holds wherever an address comes in (the model's forms, the API and
case import, which both read case files) and where one goes out as a link (`SourceDocument.link`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")
#: What is said of any other address, in forms and in the case file's problems.
NOT_A_WEB_ADDRESS = _("Only web addresses are accepted: they begin with http:// or https://.")

# A code of its own: a model form would replace the message of an "invalid" error by its URL field's own.
validate_web_address = URLValidator(
    schemes=list(WEB_SCHEMES), message=NOT_A_WEB_ADDRESS, code="not_web_address"
)


def is_web_address(value: str) -> bool:
    try:
        validate_web_address(value)
    except ValidationError:
        return False
    return True
