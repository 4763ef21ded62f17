from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a member may do in a team; ordered from most to least powerful."""

    OWNER = "owner", _("Owner")
    FACILITATOR = "facilitator", _("Facilitator")
    ANALYST = "analyst", _("Analyst")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")


class Team(models.Model):
    """A workspace: its cases, exercises and reports are visible to its members only."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    require_mfa = models.BooleanField(
        _("two-factor authentication required for owners and facilitators"), default=False
    )
    # Automatic membership through institutional sign-in. Set by site administrators only: a team that could
    # claim a domain by itself would collect the names and addresses of everybody in that institution.
    join_domains = models.CharField(
        _("email domains that join automatically"),
        max_length=500,
        blank=True,
        help_text=_("Space-separated, e.g. “defense.gouv.fr ecole.example”. Only verified addresses count."),
    )
    join_claim = models.CharField(
        _("claim value that joins automatically"),
        max_length=200,
        blank=True,
        help_text=_("A value of the provider's team claim (e.g. a group name) whose holders join this team."),
    )
    join_role = models.CharField(
        _("role of those who join automatically"),
        max_length=20,
        choices=[choice for choice in Role.choices if choice[0] != Role.OWNER],
        default=Role.PARTICIPANT,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(join_role=Role.OWNER) & models.Q(join_role__in=Role.values),
                name="team_join_role_not_owner",
            ),
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_team_user"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"
