"""The history a team's owners read: who changed membership and roles, invited whom, signed in, deleted or
restored a case or an exercise, when, from where."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from policies.models.teams import Team


class AuditAction(models.TextChoices):
    TEAM_CREATED = "team_created", _("created the team")
    TEAM_RENAMED = "team_renamed", _("renamed the team")
    TEAM_SECURITY = "team_security", _("changed the team's sign-in rule")
    MEMBER_JOINED = "member_joined", _("joined the team")
    ROLE_CHANGED = "role_changed", _("changed a role")
    MEMBER_REMOVED = "member_removed", _("removed a member")
    MEMBER_LEFT = "member_left", _("left the team")
    OWNERSHIP_TRANSFERRED = "ownership_transferred", _("transferred ownership")
    INVITATION_SENT = "invitation_sent", _("invited someone by email")
    INVITATION_RESENT = "invitation_resent", _("sent an invitation again")
    INVITATION_REVOKED = "invitation_revoked", _("revoked an invitation")
    LINK_CREATED = "link_created", _("created a shareable link")
    SIGNED_IN = "signed_in", _("signed in")
    CASE_DELETED = "case_deleted", _("deleted a case")
    CASE_RESTORED = "case_restored", _("restored a case")
    CASE_PURGED = "case_purged", _("a deleted case was removed for good")
    EXERCISE_DELETED = "exercise_deleted", _("deleted an exercise")
    EXERCISE_RESTORED = "exercise_restored", _("restored an exercise")
    EXERCISE_PURGED = "exercise_purged", _("a deleted exercise was removed for good")


class AuditEvent(models.Model):
    """One change or sign-in. Names are copied at the time, so the history reads the same after people leave;
    deleting an account blanks its names (see services.personal_data)."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(_("about whom"), max_length=254, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["actor", "action", "created"], name="audit_actor_action")]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="audit_action_valid"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.subject_name}"
