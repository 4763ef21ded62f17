"""An exercise: a team runs a case, its participants weigh criteria and score options, round by round."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models.cases import Case, Criterion, Option, Scenario
from policies.models.fields import LocalizedTextField, localize
from policies.models.teams import Team


class Method(models.TextChoices):
    WEIGHTED_SUM = "weighted_sum", _("Weighted sum")
    TOPSIS = "topsis", _("TOPSIS")
    PROMETHEE_II = "promethee_ii", _("PROMETHEE II")


class Phase(models.TextChoices):
    """Where a facilitated exercise stands; the facilitator moves it, participants' screens follow."""

    BRIEFING = "briefing", _("Briefing")
    IMPACTS = "impacts", _("Cross-impacts")
    WEIGHTING = "weighting", _("Weighting")
    SCORING = "scoring", _("Scoring")
    REVEAL = "reveal", _("Reveal")
    DISCUSSION = "discussion", _("Discussion")
    CLOSED = "closed", _("Closed")


class WeightingMethod(models.TextChoices):
    DIRECT = "direct", _("Direct points (sum to 100)")
    SWING = "swing", _("Swing weighting")
    AHP = "ahp", _("AHP pairwise comparison")
    RANK = "rank", _("Rank order (ROC weights)")


class Anonymity(models.TextChoices):
    NAMED = "named", _("Named: everybody sees who said what")
    PSEUDONYMOUS = "pseudonymous", _("Pseudonymous: participants see pseudonyms, the facilitator sees names")
    ANONYMOUS = "anonymous", _("Anonymous: nobody sees identities, not even the facilitator")


class WhenTimeIsUp(models.TextChoices):
    """What the phase timer does when it runs out (the facilitator's choice in the settings)."""

    NOTHING = "nothing", _("Nothing: the timer only shows the time")
    LOCK = "lock", _("Lock the phase: saves are refused until the facilitator moves on")
    ADVANCE = "advance", _("Move on to the next phase")


class LiveExercises(models.Manager["Exercise"]):
    """Exercises neither deleted nor of a deleted case: the default manager, so no page, partial or API list
    reaches them; `Exercise.all_objects` reads them all (recently deleted, the purge)."""

    def get_queryset(self) -> models.QuerySet["Exercise"]:
        return super().get_queryset().filter(deleted__isnull=True, case__deleted__isnull=True)


class Exercise(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="exercises")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exercises")
    key = models.SlugField(_("identifier"), max_length=80)
    title = LocalizedTextField(_("title"))
    description = LocalizedTextField(_("description"))
    options = models.ManyToManyField(Option, related_name="exercises")
    criteria = models.ManyToManyField(Criterion, related_name="exercises")
    scenarios = models.ManyToManyField(Scenario, blank=True, related_name="exercises")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.WEIGHTED_SUM)
    current_round = models.PositiveSmallIntegerField(_("current round"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Workshop settings. Exercises made by factories or imported from case files stay open (not facilitated,
    # not blind, in the scoring phase) so members can score at once; the set-up screen makes facilitated ones.
    facilitated = models.BooleanField(_("facilitated"), default=False)
    blind = models.BooleanField(_("blind scoring"), default=False)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.SCORING)
    phase_started = models.DateTimeField(_("phase started"), null=True, blank=True)
    phase_minutes = models.PositiveSmallIntegerField(_("minutes per phase"), null=True, blank=True)
    when_time_is_up = models.CharField(
        _("when time is up"), max_length=10, choices=WhenTimeIsUp.choices, default=WhenTimeIsUp.NOTHING
    )
    # Set by the facilitator while scoring, so that the room scores against weights it can no longer change.
    weights_locked = models.BooleanField(_("weights locked"), default=False)
    weighting_method = models.CharField(
        _("weighting method"), max_length=20, choices=WeightingMethod.choices, default=WeightingMethod.DIRECT
    )
    scale_min = models.FloatField(_("lowest score"), null=True, blank=True)
    scale_max = models.FloatField(_("highest score"), null=True, blank=True)
    anonymity = models.CharField(
        _("anonymity"), max_length=20, choices=Anonymity.choices, default=Anonymity.NAMED
    )
    max_rounds = models.PositiveSmallIntegerField(_("number of rounds"), default=3)
    consensus_threshold = models.FloatField(_("consensus threshold (interquartile range)"), default=1.0)
    join_code = models.CharField(_("join code"), max_length=16, null=True, blank=True, unique=True)
    join_expires = models.DateTimeField(_("join code expires"), null=True, blank=True)
    # When set, participants weigh the criteria once per scenario in play as well as for the baseline.
    weights_by_scenario = models.BooleanField(_("weights differ by scenario"), default=False)
    # The cross-impact cells ([source state id, target state id]) participants rate in the cross-impacts
    # phase; empty: every cell of the case's matrix.
    impact_cells = models.JSONField(_("cross-impact cells to rate"), default=list, blank=True)
    # Bumped by every facilitator write: a write that names an older version is a conflict, not an overwrite.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Guests (people who joined by code without an account) lose their names this many days after the exercise
    # closes; their judgments stay under pseudonyms. Empty keeps them.
    guest_retention_days = models.PositiveSmallIntegerField(
        _("days before guests' names are erased"), null=True, blank=True
    )
    # Set when the exercise is deleted: hidden everywhere, restorable by its facilitators for a while.
    deleted = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LiveExercises()
    all_objects = models.Manager["Exercise"]()

    class Meta:
        ordering = ["-created", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "case", "key"], name="exercise_unique_key"),
            models.CheckConstraint(condition=Q(current_round__gte=1), name="exercise_round_positive"),
            models.CheckConstraint(condition=Q(method__in=Method.values), name="exercise_method_valid"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="exercise_phase_valid"),
            models.CheckConstraint(
                condition=Q(when_time_is_up__in=WhenTimeIsUp.values), name="exercise_when_time_is_up_valid"
            ),
            models.CheckConstraint(condition=Q(max_rounds__gte=1), name="exercise_max_rounds_positive"),
            models.CheckConstraint(
                condition=Q(consensus_threshold__gte=0), name="exercise_threshold_nonnegative"
            ),
        ]
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")

    def __str__(self) -> str:
        return localize(self.title) or self.key


class Participant(models.Model):
    """Someone whose judgments count: a member of the team, or a persona of a sample exercise (no user)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
    )
    key = models.SlugField(_("identifier"), max_length=80)
    alias = models.CharField(_("alias"), max_length=80)
    profile = LocalizedTextField(_("profile"))
    joined = models.DateTimeField(auto_now_add=True)
    # The participant's place in the exercise (1, 2...), given when they join, in joining order: what
    # others see instead of a name where identities are hidden ("Participant 3"), see selectors/visibility.py.
    number = models.PositiveIntegerField(_("number"))
    is_guest = models.BooleanField(_("guest"), default=False)
    # False for a facilitator whose row exists only because they commented (a comment needs an author row):
    # they are no participant of the results until they judge (policies.selectors.exercise_arrays).
    judging = models.BooleanField(_("judging"), default=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="participant_unique_key"),
            models.UniqueConstraint(
                fields=["exercise", "user"], condition=Q(user__isnull=False), name="participant_unique_user"
            ),
            models.UniqueConstraint(fields=["exercise", "number"], name="participant_unique_number"),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.alias


class WeightJudgment(models.Model):
    """Points (0-100) a participant gives a leaf criterion; normalised to weights by the engine."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="weights")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="weight_judgments")
    # Null for the baseline weights; set when the exercise lets weights differ by scenario.
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, null=True, blank=True, related_name="weight_judgments"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    value = models.FloatField(_("points"))
    rationale = LocalizedTextField(_("rationale"))
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "criterion", "round"],
                condition=Q(scenario__isnull=True),
                name="weight_unique_cell",
            ),
            models.UniqueConstraint(
                fields=["participant", "criterion", "scenario", "round"],
                condition=Q(scenario__isnull=False),
                name="weight_unique_scenario_cell",
            ),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="weight_value_range"),
            models.CheckConstraint(condition=Q(round__gte=1), name="weight_round_positive"),
        ]
        verbose_name = _("weight judgment")
        verbose_name_plural = _("weight judgments")

    def __str__(self) -> str:
        return f"{self.participant} · {self.criterion} · round {self.round}: {self.value:g}"


class ScoreJudgment(models.Model):
    """How an option performs on a criterion, for a participant, a round and optionally a scenario.

    The database enforces one judgment per cell; the criterion's own scale is checked by the judgments service
    because a check constraint cannot look across tables.
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="score_judgments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="score_judgments")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, null=True, blank=True, related_name="score_judgments"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    value = models.FloatField(_("score"))
    rationale = LocalizedTextField(_("rationale"))
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # Two partial constraints because NULL scenarios would never collide in a plain unique constraint.
            models.UniqueConstraint(
                fields=["participant", "option", "criterion", "round"],
                condition=Q(scenario__isnull=True),
                name="score_unique_baseline_cell",
            ),
            models.UniqueConstraint(
                fields=["participant", "option", "criterion", "scenario", "round"],
                condition=Q(scenario__isnull=False),
                name="score_unique_scenario_cell",
            ),
            models.CheckConstraint(condition=Q(value__gte=-1e6, value__lte=1e6), name="score_value_finite"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=5),
                name="score_confidence_range",
            ),
            models.CheckConstraint(condition=Q(round__gte=1), name="score_round_positive"),
        ]
        verbose_name = _("score judgment")
        verbose_name_plural = _("score judgments")

    def __str__(self) -> str:
        cell = f"{self.option} · {self.criterion}" + (f" · {self.scenario}" if self.scenario_id else "")
        return f"{self.participant} · {cell} · round {self.round}: {self.value:g}"
