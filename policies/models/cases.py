"""A case: the dossier (sources, evidence, actors), its futures (drivers, scenarios) and its choices
(options judged against a tree of criteria).

Every object carries the `key` it has in the case file, so imports are idempotent and exports lossless.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models.fields import LocalizedTextField, localize
from policies.models.teams import Team


class Case(models.Model):
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        related_name="cases",
        null=True,
        blank=True,
        help_text=_("Empty for a shared template case that any team may copy."),
    )
    key = models.SlugField(_("identifier"), max_length=80)
    title = LocalizedTextField(_("title"))
    question = LocalizedTextField(_("decision question"))
    summary = LocalizedTextField(_("summary"))
    period = models.CharField(_("period"), max_length=60, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["team", "key"], name="case_unique_key_per_team"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(team__isnull=True), name="case_unique_template_key"
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return localize(self.title) or self.key


class CaseItem(models.Model):
    """Common shape of everything that belongs to one case and is referenced by key in the case file."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(_("identifier"), max_length=80)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return localize(getattr(self, "name", None)) or self.key


class SourceDocument(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=400)
    authors = models.CharField(_("authors or speakers"), max_length=400, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    date = models.CharField(
        _("date"), max_length=20, blank=True, help_text=_("ISO date, year-month or year.")
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    file = models.CharField(_("file"), max_length=200, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True)

    class Meta(CaseItem.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="source_unique_key")]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self) -> str:
        return self.title


class Evidence(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="evidence")
    locator = models.CharField(_("locator"), max_length=300, blank=True)
    text = LocalizedTextField(_("text"))
    quote = models.CharField(_("quoted phrase"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="evidence_unique_key")]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return localize(self.text)[:80] or self.key


class Actor(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actors")
    name = LocalizedTextField(_("name"))
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    stance = LocalizedTextField(_("stance"))
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="actors")
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="actor_unique_key")]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")


class Driver(CaseItem):
    """A key uncertainty; its states are the values it may take in a future."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="drivers")
    name = LocalizedTextField(_("name"))
    description = LocalizedTextField(_("description"))
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="drivers")
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="driver_unique_key")]
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")


class DriverState(models.Model):
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="states")
    key = models.SlugField(_("identifier"), max_length=80)
    name = LocalizedTextField(_("name"))
    description = LocalizedTextField(_("description"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["driver", "key"], name="driverstate_unique_key")]
        verbose_name = _("driver state")
        verbose_name_plural = _("driver states")

    def __str__(self) -> str:
        return localize(self.name) or self.key


class StateConsistency(models.Model):
    """How well two states of different drivers fit together: -2 impossible ... +2 reinforcing."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consistencies")
    state_a = models.ForeignKey(DriverState, on_delete=models.CASCADE, related_name="+")
    state_b = models.ForeignKey(DriverState, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(_("consistency"))
    note = LocalizedTextField(_("note"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state_a", "state_b"], name="consistency_unique_pair"),
            models.CheckConstraint(condition=Q(value__gte=-2, value__lte=2), name="consistency_value_range"),
            models.CheckConstraint(condition=~Q(state_a=F("state_b")), name="consistency_distinct_states"),
        ]
        verbose_name = _("state consistency")
        verbose_name_plural = _("state consistencies")

    def __str__(self) -> str:
        return f"{self.state_a} ~ {self.state_b}: {self.value:+d}"


class Scenario(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="scenarios")
    name = LocalizedTextField(_("name"))
    narrative = LocalizedTextField(_("narrative"))
    plausibility = models.PositiveSmallIntegerField(_("plausibility"), default=3)
    states = models.ManyToManyField(DriverState, blank=True, related_name="scenarios")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="scenarios")
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="scenario_unique_key"),
            models.CheckConstraint(
                condition=Q(plausibility__gte=1, plausibility__lte=5), name="scenario_plausibility_range"
            ),
        ]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")


class Option(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="options")
    name = LocalizedTextField(_("name"))
    description = LocalizedTextField(_("description"))
    instruments = LocalizedTextField(_("instruments"))
    risks = LocalizedTextField(_("known risks"))
    actors = models.ManyToManyField(Actor, blank=True, related_name="options")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="options")
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="option_unique_key")]
        verbose_name = _("option")
        verbose_name_plural = _("options")


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Benefit (more is better)")
    COST = "cost", _("Cost (less is better)")


class Criterion(CaseItem):
    """A node of the criteria tree; only leaves are weighted and scored."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = LocalizedTextField(_("name"))
    definition = LocalizedTextField(_("definition"))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.BENEFIT
    )
    scale_min = models.FloatField(_("scale minimum"), default=0)
    scale_max = models.FloatField(_("scale maximum"), default=10)
    unit = models.CharField(_("unit"), max_length=40, blank=True, default="points")
    scale_low = LocalizedTextField(_("meaning of the minimum"))
    scale_high = LocalizedTextField(_("meaning of the maximum"))
    is_group = models.BooleanField(_("group"), default=False)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="criteria")
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="criterion_unique_key"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="criterion_scale_ordered"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="criterion_direction_valid"
            ),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    @property
    def sign(self) -> int:
        """1 for benefit, -1 for cost: the `types` convention of policies.analysis."""
        return -1 if self.direction == Direction.COST else 1
