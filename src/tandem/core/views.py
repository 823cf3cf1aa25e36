from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import access, branding, selectors, services
from tandem.core.audit import Action
from tandem.core.errors import DomainError
from tandem.core.forms import (
    MAX_ID,
    BrandingForm,
    PracticeSettingsForm,
    form_status,
    parse_id,
)
from tandem.core.models import Membership, Practice
from tandem.core.roles import Capability
from tandem.core.tenancy import MemberRequest, active_membership, member_required

if TYPE_CHECKING:
    from tandem.accounts.models import User

logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Everyone's front door: visitors sign in, contacts go to their portal."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    membership = active_membership(request.user)
    if membership is None:
        if Membership.objects.filter(user_id=request.user.pk).exists():
            return render(request, "core/no_access.html", status=403)
        return redirect("accounts:practice-create")
    if access.allows(request.user, Capability.USE_PORTAL):
        return redirect("home:portal-home")
    return redirect("home:dashboard")


@member_required(Capability.MANAGE_PRACTICE)
@require_http_methods(["GET", "POST"])
def practice_settings(request: MemberRequest) -> HttpResponse:
    membership = active_membership(request.user)
    assert membership is not None
    practice = membership.practice
    form = PracticeSettingsForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_practice(
                practice,
                actor=request.user,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Practice settings saved.")
            return redirect("core:practice-settings")
    # Read back from the database: a refused form has written its typed name on ``practice``.
    branding_form = _branding_form(Practice.objects.get(pk=practice.pk))
    return _settings_page(request, form, branding_form)


def _branding_form(practice: Practice, data: Any = None, files: Any = None) -> BrandingForm:
    return BrandingForm(
        data,
        files,
        initial={"accent_colour": practice.accent_colour.upper()},
        has_logo=bool(practice.logo),
    )


def _settings_page(
    request: MemberRequest, form: PracticeSettingsForm, branding_form: BrandingForm
) -> HttpResponse:
    status = max(form_status(form), form_status(branding_form))
    context = {"form": form, "branding_form": branding_form}
    return render(request, "core/practice_settings.html", context, status=status)


@member_required(Capability.MANAGE_PRACTICE)
@require_POST
def practice_branding(request: MemberRequest) -> HttpResponse:
    """The settings page's "How your practice looks" form: accent colour and logo."""
    membership = active_membership(request.user)
    assert membership is not None
    practice = membership.practice
    form = _branding_form(practice, request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            branding.update_branding(
                practice,
                actor=request.user,
                accent_colour=form.cleaned_data["accent_colour"],
                logo=upload,
                logo_size=upload.size if upload else 0,
                remove_logo=form.cleaned_data.get("remove_logo", False),
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Your practice's look is saved.")
            return redirect(f"{reverse('core:practice-settings')}#look")
    return _settings_page(request, PracticeSettingsForm(instance=practice), form)


# The practice's face, public: mail programs fetch images without anyone's session.
_LOGO_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@require_GET
def practice_logo(request: HttpRequest, practice_id: int, token: str) -> HttpResponse:
    """The practice's logo, to anyone with its unguessable address (core/branding.py)."""
    name = f"{branding.LOGO_FOLDER}/{practice_id}/{token}.png"
    if (
        not _LOGO_TOKEN.fullmatch(token)
        # Past the largest id a row can have, the database would raise, not answer.
        or practice_id > MAX_ID
        or not Practice.objects.filter(pk=practice_id, logo=name).exists()
    ):
        raise Http404("No such logo.")
    try:
        file = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("No such logo.") from None
    response = FileResponse(file, content_type="image/png")
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Mail read on the web loads it from another origin; the address changes with the file.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return cast(HttpResponse, response)


@require_GET
def accent_stylesheet(request: HttpRequest, colour: str) -> HttpResponse:
    """The accent colour's stylesheet: its address is the colour, so it is cached for good."""
    response = HttpResponse(branding.accent_stylesheet(f"#{colour}"), content_type="text/css")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(choices=[("", "All events"), *Action.choices], required=False)
    # An address rather than a list of everyone: a practice can have thousands of contacts.
    who = forms.EmailField(
        required=False,
        label="Who",
        max_length=254,
        widget=forms.EmailInput(attrs={"placeholder": "their e-mail address"}),
        error_messages={"invalid": "Enter a whole e-mail address, like sam@example.com."},
    )
    since = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From"
    )
    until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To"
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_who(self) -> int | None:
        """The id of the practice member with that address; others are not findable."""
        email = self.cleaned_data.get("who")
        if not email:
            return None
        user_id = (
            Membership.objects.visible_to(self.viewer)
            .filter(user__email__iexact=email)
            .values_list("user_id", flat=True)
            .first()
        )
        if user_id is None:
            raise forms.ValidationError("No one with that e-mail address is in your practice.")
        return user_id

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be on or after the start date.")
        return data


@member_required(Capability.READ_AUDIT_LOG)
@require_GET
def audit_log(request: MemberRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    filters = selectors.AuditFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.AuditFilters(
            action=data["action"] or "",
            actor_id=data["who"],
            since=data["since"],
            until=data["until"],
            # The "Older entries" link's cursor, kept apart from the filters the person
            # typed: a cursor that is not an id is ignored (the newest entries), not an error.
            before_id=parse_id(request.GET.get("before")),
        )
    page = selectors.audit_page(
        viewer=request.user,
        filters=filters,
        time_zone=request.user.time_zone,
    )
    next_query = request.GET.copy()
    if page.older_than_id:
        next_query["before"] = str(page.older_than_id)
    context = {
        "form": form,
        "page": page,
        "next_query": next_query.urlencode(),
        "is_first_page": not filters.before_id,
    }
    # A filter that makes no sense is named beside its field (400) and the log is shown
    # without it; htmx swaps a 400 in like a 200 (base.html), so the same for its refresh.
    template = "core/audit_log.html#entries" if request.htmx else "core/audit_log.html"
    return render(request, template, context, status=form_status(form))


def _error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"status": status, "title": title, "message": message}
    return render(request, "core/error.html", context, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(
        request,
        404,
        "Page not found",
        "There is nothing here, or it is not yours to see. Check the address, "
        "or go back to your home page.",
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(
        request,
        403,
        "Not allowed",
        "Your role in this practice does not include this page. "
        "Ask the practice owner if you need it.",
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(
        request,
        400,
        "Something in that request was not right",
        "Go back, check what you entered and try again.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the error may have come from them.
    return render(request, "core/error_500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(
        request,
        403,
        "This form had expired",
        "For your safety, forms stop working after a while or after you sign in or "
        "out elsewhere. Go back, reload the page and send it again.",
    )
