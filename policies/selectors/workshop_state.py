"""What a workshop room polls: cheap tokens that change when a screen must, and how often to ask."""

import hashlib
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.utils import timezone

from policies.models import Comment, Exercise, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase, WhenTimeIsUp


def phase_token(exercise: Exercise) -> str:
    """Changes whenever a participant's screen must change: phase, round or facilitator settings."""
    return f"{exercise.phase}-{exercise.current_round}-{exercise.version}"


def dashboard_token(exercise: Exercise) -> str:
    """Changes when anything the dashboard shows changes; a few aggregate queries."""
    weights = WeightJudgment.objects.filter(participant__exercise=exercise).aggregate(
        n=Count("pk"), t=Max("updated")
    )
    scores = ScoreJudgment.objects.filter(participant__exercise=exercise).aggregate(
        n=Count("pk"), t=Max("updated")
    )
    people = exercise.participants.aggregate(n=Count("pk"), t=Max("last_seen"))
    raw = f"{phase_token(exercise)}|{weights}|{scores}|{people}|{comments_token(exercise)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def poll_seconds(exercise: Exercise, participants: int) -> int:
    """How often screens ask for news: quick while people act, slower in a big room and in quiet phases."""
    if exercise.phase == Phase.CLOSED:
        return 0
    base = 2 if exercise.phase in {Phase.REVEAL, Phase.DISCUSSION} or participants <= 50 else 4
    if exercise.phase == Phase.BRIEFING:
        base *= 2
    return base + (participants // 100) * 2


def phase_deadline(exercise: Exercise) -> datetime | None:
    if not exercise.phase_minutes or exercise.phase_started is None or exercise.phase == Phase.CLOSED:
        return None
    return exercise.phase_started + timedelta(minutes=exercise.phase_minutes)


def time_is_up(exercise: Exercise, now: datetime | None = None) -> bool:
    """Whether the phase's timer has run out (never, without a timer)."""
    deadline = phase_deadline(exercise)
    return deadline is not None and (now or timezone.now()) >= deadline


def phase_locked(exercise: Exercise, now: datetime | None = None) -> bool:
    """Whether the timer has run out in a facilitated exercise whose facilitator chose that it then locks or
    moves on: either way, saves of the phase that ran out are refused (policies.services.judgments)."""
    return (
        exercise.facilitated
        and exercise.when_time_is_up != WhenTimeIsUp.NOTHING
        and time_is_up(exercise, now)
    )


def weights_locked(exercise: Exercise) -> bool:
    """Whether the facilitator has locked the weights for the scoring (the screens grey them out, the judgment
    service refuses them)."""
    return exercise.facilitated and exercise.weights_locked and exercise.phase == Phase.SCORING


def comments_token(exercise: Exercise) -> str:
    """Changes when the comment threads must redraw: a new comment, or one hidden, shown, pinned or unpinned."""
    found = Comment.objects.filter(exercise=exercise).aggregate(n=Count("pk"), t=Max("moderated"))
    stamp = found["t"].timestamp() if found["t"] else 0
    return f"{found['n']}-{stamp:.6f}"
