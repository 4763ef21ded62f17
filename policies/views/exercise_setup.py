from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from policies.forms import SCALES, ExerciseSetupForm
from policies.selectors.access import FACILITATING_ROLES, get_case_for_user, require_role
from policies.services.exercise_setup import create_exercise


@login_required
def exercise_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    require_role(membership, FACILITATING_ROLES)
    form = ExerciseSetupForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["scale"] = SCALES[data.pop("scale")][1]
        exercise = create_exercise(case=case, created_by_id=request.user.pk, **data)
        if exercise.facilitated:
            messages.success(request, _("The workshop is ready: give participants the join code."))
            return redirect("workshop-facilitate", exercise_id=exercise.pk)
        messages.success(request, _("The exercise is ready: participants can now weigh and score."))
        return redirect("exercise", exercise_id=exercise.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "policies/exercise_new.html", {"case": case, "form": form}, status=status)
