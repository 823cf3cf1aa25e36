from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.accounts import services
from tandem.accounts.forms import ProfileForm
from tandem.accounts.models import User
from tandem.core import services as core_services
from tandem.core.errors import DomainError
from tandem.core.forms import PracticeForm, form_status
from tandem.core.models import Membership
from tandem.core.tenancy import MemberRequest


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: MemberRequest) -> HttpResponse:
    user: User = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    context = {"form": form, "has_totp": has_totp}
    return render(request, "accounts/profile.html", context, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def practice_create(request: MemberRequest) -> HttpResponse:
    """A newly signed-up VA names their practice and becomes its owner."""
    if Membership.objects.filter(user_id=request.user.pk).exists():
        return redirect("core:home")
    form = PracticeForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if not form.is_bound and request.user.time_zone == "UTC":
        # Signed up without JavaScript, or before it told us: the browser's zone, if known.
        form.fields["time_zone"].widget.attrs["data-browser-time-zone"] = ""
    if request.method == "POST" and form.is_valid():
        try:
            core_services.create_practice(owner=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Your practice is ready. Here is what to do next.")
            return redirect("core:home")
    return render(
        request, "accounts/practice_create.html", {"form": form}, status=form_status(form)
    )
