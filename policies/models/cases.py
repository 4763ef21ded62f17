"""A case: the dossier (sources, evidence, actors), its futures (drivers, scenarios) and its choices
(options judged against a tree of criteria).

Every object carries the `key` it has in the case file, so imports are idempotent and exports lossless.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models.fields import LocalizedTextField, localize
from policies.models.teams import Team
from policies.web_addresses import is_web_address, validate_web_address


class LiveCases(models.Manager["Case"]):
    """Cases not deleted: the default manager, so no page, partial or API list can reach a deleted case; a
    deleted one is read through `Case.all_objects` (the team's list of recently deleted cases, the purge)."""

    def get_queryset(self) -> models.QuerySet["Case"]:
        return super().get_queryset().filter(deleted__isnull=True)


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
    # Raised by every edit through the editor or the API: a save made from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # Set when the case is deleted: hidden everywhere, restorable by its editors for `DeletedItem.RESTORE_DAYS`.
    deleted = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["created", "updated", "deleted", "deleted_by"])

    objects = LiveCases()
    all_objects = models.Manager["Case"]()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "key"],
                name="case_unique_key_per_team",
                violation_error_message=_("The team already has a case with this identifier."),
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(team__isnull=True),
                name="case_unique_template_key",
                violation_error_message=_("A shared case already has this identifier."),
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
    # Raised by every edit through the editor or the API: a save made from an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return localize(getattr(self, "name", None)) or self.key


class SourceDocument(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    title = LocalizedTextField(_("title"))
    authors = models.CharField(_("authors or speakers"), max_length=400, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    date = models.CharField(
        _("date"), max_length=20, blank=True, help_text=_("ISO date, year-month or year.")
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    file = models.CharField(_("file"), max_length=200, blank=True)
    url = models.URLField(_("address"), max_length=500, blank=True, validators=[validate_web_address])
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                name="source_unique_key",
                violation_error_message=_("The case already has a source with this identifier."),
            )
        ]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self) -> str:
        return localize(self.title) or self.key

    @property
    def link(self) -> str:
        """The address if it may be shown as a link (a web page), else "": a row saved before the rule held
        is shown as text, never as a link."""
        return self.url if self.url and is_web_address(self.url) else ""


class Evidence(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, related_name="evidence")
    locator = models.CharField(_("locator"), max_length=300, blank=True)
    text = LocalizedTextField(_("text"))
    quote = models.CharField(_("quoted phrase"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                name="evidence_unique_key",
                violation_error_message=_("The case already has evidence with this identifier."),
            )
        ]
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
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                name="actor_unique_key",
                violation_error_message=_("The case already has an actor with this identifier."),
            )
        ]
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
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                name="driver_unique_key",
                violation_error_message=_("The case already has a driver with this identifier."),
            )
        ]
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")


class DriverState(models.Model):
    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="states")
    key = models.SlugField(_("identifier"), max_length=80)
    name = LocalizedTextField(_("name"))
    description = LocalizedTextField(_("description"))
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["driver", "key"],
                name="driverstate_unique_key",
                violation_error_message=_("The driver already has a state with this identifier."),
            )
        ]
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
            models.UniqueConstraint(
                fields=["state_a", "state_b"],
                name="consistency_unique_pair",
                violation_error_message=_("These two states already have a consistency rating."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=-2, value__lte=2),
                name="consistency_value_range",
                violation_error_message=_(
                    "A consistency goes from -2 (impossible together) to +2 (reinforcing)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state_a=F("state_b")),
                name="consistency_distinct_states",
                violation_error_message=_("A state cannot be rated against itself."),
            ),
        ]
        verbose_name = _("state consistency")
        verbose_name_plural = _("state consistencies")

    def __str__(self) -> str:
        return f"{self.state_a} ~ {self.state_b}: {self.value:+d}"


class CrossImpact(models.Model):
    """How a state of one driver pushes a state of another, for cross-impact balance analysis (CIB).

    Directed, unlike a consistency rating: "a junta in power makes aid suspension more likely" is one judgment,
    its reverse another. The value is a whole number, usually -3 (strongly hinders) to +3 (strongly promotes);
    a missing row is 0 (no impact). `illustrative` marks a judgment the case's sources do not support, kept to
    show the method; a sourced judgment names its evidence.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cross_impacts")
    source = models.ForeignKey(DriverState, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(DriverState, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(_("impact"))
    reason = LocalizedTextField(_("reason"))
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not supported by the case's sources.")
    )
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="cross_impacts")

    class Meta:
        ordering = [
            "source__driver__position",
            "source__position",
            "target__driver__position",
            "target__position",
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="crossimpact_unique_cell"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="crossimpact_distinct_states"),
        ]
        verbose_name = _("cross-impact")
        verbose_name_plural = _("cross-impacts")

    def __str__(self) -> str:
        return f"{self.source} → {self.target}: {self.value:+d}"


class ScenarioOrigin(models.TextChoices):
    """Where a scenario came from, shown beside it in the robustness results."""

    AUTHORED = "authored", _("Written by the analysts")
    CONSISTENCY = "consistency", _("Consistency matrix")
    CIB = "cib", _("Cross-impact balance analysis")


class Scenario(CaseItem):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="scenarios")
    name = LocalizedTextField(_("name"))
    narrative = LocalizedTextField(_("narrative"))
    plausibility = models.PositiveSmallIntegerField(_("plausibility"), default=3)
    origin = models.CharField(
        _("origin"), max_length=20, choices=ScenarioOrigin.choices, default=ScenarioOrigin.AUTHORED
    )
    states = models.ManyToManyField(DriverState, blank=True, related_name="scenarios")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="scenarios")
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                name="scenario_unique_key",
                violation_error_message=_("The case already has a scenario with this identifier."),
            ),
            models.CheckConstraint(
                condition=Q(plausibility__gte=1, plausibility__lte=5),
                name="scenario_plausibility_range",
                violation_error_message=_(
                    "Plausibility goes from 1 (barely plausible) to 5 (very plausible)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(origin__in=ScenarioOrigin.values), name="scenario_origin_valid"
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
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                name="option_unique_key",
                violation_error_message=_("The case already has an option with this identifier."),
            )
        ]
        verbose_name = _("option")
        verbose_name_plural = _("options")


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Benefit (more is better)")
    COST = "cost", _("Cost (less is better)")


class PreferenceFunction(models.TextChoices):
    """PROMETHEE preference functions (Brans & Vincke 1985, types I to VI): how a difference between two
    options on one criterion turns into a preference. The names are those of `policies.analysis`."""

    USUAL = "usual", _("Usual: any difference is a full preference")
    U_SHAPE = "u-shape", _("U-shape: full preference beyond the indifference threshold q")
    V_SHAPE = "v-shape", _("V-shape: preference grows up to the preference threshold p")
    LEVEL = "level", _("Level: half preference between q and p, full beyond p")
    LINEAR = "linear", _("Linear: preference grows from q to p")
    GAUSSIAN = "gaussian", _("Gaussian: preference grows smoothly with the spread s")


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
    preference_function = models.CharField(
        _("PROMETHEE preference function"),
        max_length=10,
        choices=PreferenceFunction.choices,
        default=PreferenceFunction.USUAL,
    )
    indifference_threshold = models.FloatField(
        _("indifference threshold q"), null=True, blank=True, help_text=_("In the criterion's own units.")
    )
    preference_threshold = models.FloatField(
        _("preference threshold p"), null=True, blank=True, help_text=_("In the criterion's own units.")
    )
    gaussian_spread = models.FloatField(
        _("Gaussian spread s"), null=True, blank=True, help_text=_("In the criterion's own units.")
    )
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="criteria")
    history = HistoricalRecords()

    class Meta(CaseItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["case", "key"],
                name="criterion_unique_key",
                violation_error_message=_("The case already has a criterion with this identifier."),
            ),
            models.CheckConstraint(
                condition=Q(scale_min__lt=F("scale_max")),
                name="criterion_scale_ordered",
                violation_error_message=_("The scale minimum must be below its maximum."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="criterion_direction_valid",
                violation_error_message=_("Choose a direction: benefit or cost."),
            ),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    @property
    def sign(self) -> int:
        """1 for benefit, -1 for cost: the `types` convention of policies.analysis."""
        return -1 if self.direction == Direction.COST else 1


class ReferenceValue(models.Model):
    """The case's own value of an option on a criterion, in the criterion's units: the performance table a
    team measured or took from its sources, as distinct from what participants score in an exercise."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reference_values")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="reference_values")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="reference_values")
    value = models.FloatField(_("value"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "criterion"], name="reference_value_unique_cell"),
        ]
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")

    def __str__(self) -> str:
        return f"{self.option} × {self.criterion}: {self.value:g}"


class DeletedItem(models.Model):
    """An item deleted from a case, kept with everything its deletion took along (its judgments, its states,
    its links) so that it can be put back for `RESTORE_DAYS` days."""

    RESTORE_DAYS = 30

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deleted_items")
    kind = models.CharField(max_length=20)
    label = models.CharField(max_length=300)
    # The rows as Django's serializer writes them, in the order they are saved back.
    rows = models.JSONField(default=list)
    account = models.JSONField(default=list, help_text="What the deletion took along: [[label, count], ...].")
    deleted_at = models.DateTimeField(auto_now_add=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-deleted_at", "-pk"]
        verbose_name = _("deleted item")
        verbose_name_plural = _("deleted items")

    def __str__(self) -> str:
        return self.label
