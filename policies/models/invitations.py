"""Invitations into a team: one person by email, or a whole class by a shareable link."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from policies.models.teams import Role, Team


class InvitationKind(models.TextChoices):
    EMAIL = "email", _("By email")
    LINK = "link", _("Shareable link")


class Invitation(models.Model):
    """A standing offer to join `team` with `role`.

    The link carries a signature of the row's id and nonce; the row decides whether it still holds (expiry,
    uses, revocation), so a resend can extend it and a revocation ends it at once. An email invitation is used
    once; a link serves up to `max_uses` people.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(_("kind"), max_length=10, choices=InvitationKind.choices)
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    label = models.CharField(_("label"), max_length=120, blank=True)
    nonce = models.CharField(max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    sent = models.DateTimeField(_("last sent"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"))
    max_uses = models.PositiveIntegerField(_("maximum uses"), default=1)
    use_count = models.PositiveIntegerField(_("uses"), default=0)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=InvitationKind.values), name="invitation_kind_valid"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=~Q(kind=InvitationKind.EMAIL) | (~Q(email="") & Q(max_uses=1)),
                name="invitation_email_single",
            ),
            # A class link never makes owners: ownership is given to a named person.
            models.CheckConstraint(
                condition=~Q(kind=InvitationKind.LINK) | ~Q(role=Role.OWNER), name="invitation_link_not_owner"
            ),
            models.CheckConstraint(condition=Q(use_count__lte=F("max_uses")), name="invitation_uses_capped"),
            models.CheckConstraint(condition=Q(max_uses__gte=1), name="invitation_max_uses_positive"),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.team}: {self.email or self.label or self.kind} ({self.role})"
