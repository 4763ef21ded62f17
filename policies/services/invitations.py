"""Invitations: by email (one person, one use) or by a shareable link (a class, up to a cap), both expiring.

The link holds a signature (SECRET_KEY) of the invitation's id and nonce, so it cannot be forged or guessed;
the row holds the rest. A resend draws a new nonce, which retires the previous link. Every refusal names
its reason, so the person holding the link knows what to ask for.
"""

import logging
import secrets
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import AuditAction, Invitation, InvitationKind, Membership, Role, Team
from policies.services.audit import name_of, record
from policies.services.memberships import acting_owner, add_member

log = logging.getLogger(__name__)
SALT = "policies.invitation"
MAX_CLASS_SIZE = 1000


class InvitationRefused(Exception):
    """Why an invitation link cannot be used: invalid, expired, used, revoked or member."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def token_for(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT)


def invitation_path(invitation: Invitation) -> str:
    return reverse("invitation", args=[token_for(invitation)])


def _refuse_unusable(invitation: Invitation) -> None:
    if invitation.revoked is not None:
        raise InvitationRefused(
            "revoked", _("This invitation has been revoked. Ask the team's owner for a new one.")
        )
    if invitation.use_count >= invitation.max_uses:
        if invitation.kind == InvitationKind.EMAIL:
            raise InvitationRefused("used", _("This invitation has already been used."))
        raise InvitationRefused("used", _("This link has been used as many times as its owner allowed."))
    if invitation.expires <= timezone.now():
        raise InvitationRefused(
            "expired", _("This invitation has expired. Ask the team's owner for a new one.")
        )


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, if it can still be used; InvitationRefused otherwise."""
    try:
        pk, nonce = signing.loads(token, salt=SALT)
        invitation = Invitation.objects.select_related("team", "created_by").get(pk=int(pk))
    except (signing.BadSignature, ValueError, TypeError, Invitation.DoesNotExist):
        raise InvitationRefused("invalid", _("This invitation link is not valid.")) from None
    if not secrets.compare_digest(str(nonce), invitation.nonce):
        raise InvitationRefused("invalid", _("This invitation link has been replaced by a newer one."))
    _refuse_unusable(invitation)
    return invitation


def refuse_members(invitation: Invitation, user: User) -> None:
    if Membership.objects.filter(team_id=invitation.team_id, user_id=user.pk).exists():
        raise InvitationRefused("member", _("You are already a member of this team."))


def _send(invitation: Invitation, *, site_url: str, inviter: User) -> bool:
    context = {
        "team": invitation.team,
        "role": invitation.get_role_display(),
        "inviter": name_of(inviter),
        "url": site_url.rstrip("/") + invitation_path(invitation),
        "expires": invitation.expires,
    }
    subject = " ".join(render_to_string("policies/email/invitation_subject.txt", context).split())
    body = render_to_string("policies/email/invitation_message.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (OSError, smtplib.SMTPException):
        log.exception("Invitation %s could not be sent", invitation.pk)
        return False
    Invitation.objects.filter(pk=invitation.pk).update(sent=timezone.now())
    return True


def _expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


def invite_by_email(
    *, team: Team, actor: User, email: str, role: str, site_url: str, address: str | None = None
) -> tuple[Invitation, bool]:
    """Invite one address with `role`; returns the invitation and whether the email went out."""
    email = (email or "").strip()
    validate_email(email)
    if role not in Role.values:
        raise ValidationError(_("Choose one of the roles offered."), code="invalid")
    with transaction.atomic():
        acting_owner(team, actor)
        if Membership.objects.filter(team=team, user__email__iexact=email).exists():
            raise ValidationError(_("Someone with this address is already a member."), code="member")
        if team.invitations.filter(
            kind=InvitationKind.EMAIL,
            email__iexact=email,
            revoked__isnull=True,
            use_count=0,
            expires__gt=timezone.now(),
        ).exists():
            raise ValidationError(
                _("This address already has a pending invitation: send it again from the list."),
                code="pending",
            )
        invitation = Invitation.objects.create(
            team=team,
            kind=InvitationKind.EMAIL,
            email=email,
            role=role,
            nonce=secrets.token_hex(16),
            created_by=actor,
            expires=_expiry(),
        )
        record(
            action=AuditAction.INVITATION_SENT,
            team=team,
            actor=actor,
            subject_name=email,
            detail={"role": role},
            address=address,
        )
    return invitation, _send(invitation, site_url=site_url, inviter=actor)


def create_link(
    *,
    team: Team,
    actor: User,
    role: str,
    expires: datetime,
    max_uses: int,
    label: str = "",
    address: str | None = None,
) -> Invitation:
    """A link to hand a whole class; it never makes owners."""
    if role not in Role.values or role == Role.OWNER:
        raise ValidationError(_("A shareable link cannot make owners: invite them by email."), code="invalid")
    if expires <= timezone.now():
        raise ValidationError(_("Choose an expiry date in the future."), code="invalid")
    if not 1 <= max_uses <= MAX_CLASS_SIZE:
        raise ValidationError(_("Allow between 1 and 1000 uses."), code="invalid")
    with transaction.atomic():
        acting_owner(team, actor)
        invitation = Invitation.objects.create(
            team=team,
            kind=InvitationKind.LINK,
            role=role,
            label=" ".join(label.split())[:120],
            nonce=secrets.token_hex(16),
            created_by=actor,
            expires=expires,
            max_uses=max_uses,
        )
        record(
            action=AuditAction.LINK_CREATED,
            team=team,
            actor=actor,
            subject_name=invitation.label,
            detail={"role": role, "max_uses": max_uses, "expires": expires.isoformat()},
            address=address,
        )
    return invitation


def _pending(team: Team, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(team=team, pk=invitation_id).first()
    if invitation is None:
        raise ValidationError(_("No such invitation."), code="gone")
    return invitation


def resend_invitation(
    *, team: Team, actor: User, invitation_id: int, site_url: str, address: str | None = None
) -> tuple[Invitation, bool]:
    """Send an email invitation again with a fresh link and a fresh expiry; the previous link stops working."""
    with transaction.atomic():
        acting_owner(team, actor)
        invitation = _pending(team, invitation_id)
        if invitation.kind != InvitationKind.EMAIL:
            raise ValidationError(_("Only email invitations are sent."), code="invalid")
        if invitation.revoked is not None or invitation.use_count:
            raise ValidationError(_("This invitation is no longer pending."), code="invalid")
        invitation.nonce = secrets.token_hex(16)
        invitation.expires = _expiry()
        invitation.save(update_fields=["nonce", "expires"])
        record(
            action=AuditAction.INVITATION_RESENT,
            team=team,
            actor=actor,
            subject_name=invitation.email,
            address=address,
        )
    return invitation, _send(invitation, site_url=site_url, inviter=actor)


def revoke_invitation(
    *, team: Team, actor: User, invitation_id: int, address: str | None = None
) -> Invitation:
    with transaction.atomic():
        acting_owner(team, actor)
        invitation = _pending(team, invitation_id)
        if invitation.revoked is None:
            invitation.revoked = timezone.now()
            invitation.save(update_fields=["revoked"])
            record(
                action=AuditAction.INVITATION_REVOKED,
                team=team,
                actor=actor,
                subject_name=invitation.email or invitation.label,
                detail={"kind": invitation.kind},
                address=address,
            )
    return invitation


def accept_invitation(*, token: str, user: User, address: str | None = None) -> Membership:
    """Join the invitation's team with its role, counting one use; refused with the reason otherwise."""
    invitation = invitation_for_token(token)
    with transaction.atomic():
        # Read again under lock: two people racing for the last place of a class link cannot both get it.
        invitation = Invitation.objects.select_for_update().select_related("team").get(pk=invitation.pk)
        _refuse_unusable(invitation)
        refuse_members(invitation, user)
        membership, _created = add_member(
            team=invitation.team, user=user, role=invitation.role, via=invitation.kind, address=address
        )
        Invitation.objects.filter(pk=invitation.pk).update(use_count=F("use_count") + 1)
        if invitation.kind == InvitationKind.EMAIL:
            Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user, accepted=timezone.now())
    return membership
