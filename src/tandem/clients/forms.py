from __future__ import annotations

from typing import Any

from django import forms

from tandem.clients.models import ADDRESS_MAX, PHONE_MAX, Client, ClientContact
from tandem.core.forms import DomainErrorFormMixin
from tandem.core.roles import Role

# Browsers stop typing at maxlength; text pasted past it, or sent by a script, hears this.
TOO_LONG = "Shorten this to %(limit_value)d characters; it has %(show_value)d."
WEBSITE_INVALID = "Enter the website's address, such as https://example.com."


class ClientForm(DomainErrorFormMixin, forms.ModelForm[Client]):
    """A client's details. The main contact is picked among the client's own contacts,
    when editing a client that has some."""

    phone = forms.CharField(
        label="Phone (optional)",
        required=False,
        max_length=PHONE_MAX,
        error_messages={"max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        help_text="As you would dial it, such as +1 212 555 0100.",
    )
    address = forms.CharField(
        label="Postal address (optional)",
        required=False,
        max_length=ADDRESS_MAX,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": WEBSITE_INVALID, "max_length": TOO_LONG},
    )
    main_contact = forms.ModelChoiceField(
        label="Main contact",
        queryset=ClientContact.objects.none(),
        required=False,
        empty_label="Nobody in particular",
        help_text="Listed first on the client's page, and the one to ask first.",
        error_messages={"invalid_choice": "Pick one of this client's contacts, or nobody."},
    )
    # The notice agreed with this client for new work (planning's short-notice check).
    notice_working_days = forms.IntegerField(
        label="Notice for new work (working days, optional)",
        required=False,
        min_value=0,
        max_value=20,
        help_text="Agreed with this client. Empty: the practice's notice applies. "
        "A request due sooner is marked short notice.",
        error_messages={
            "invalid": "Give the notice as a whole number of working days, such as 2.",
            "min_value": "Give the notice as 0 to 20 working days; it cannot be below 0.",
            "max_value": "Give the notice as 0 to 20 working days; more is a plan, not notice.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 20}),
    )
    notes = forms.CharField(
        label="Notes for your team",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you and your assistants see these.",
    )

    class Meta:
        model = Client
        fields = [
            "name",
            "time_zone",
            "phone",
            "address",
            "website",
            "main_contact",
            "notice_working_days",
            "notes",
        ]
        labels = {"name": "Business name", "notes": "Notes for your team"}
        help_texts = {
            "time_zone": "Deadlines the client gives are read in this time zone.",
            "notes": "Only you and your assistants see these.",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 4, "maxlength": 5000})}
        error_messages = {"name": {"required": "Enter the client's business name."}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["maxlength"] = 160
        self.fields["phone"].widget.attrs["maxlength"] = PHONE_MAX
        self.fields["address"].widget.attrs["maxlength"] = ADDRESS_MAX
        contacts = (
            ClientContact.objects.filter(client_id=self.instance.pk)
            .select_related("user")
            .order_by("user__name", "user__email")
            if self.instance.pk
            else ClientContact.objects.none()
        )
        if self.instance.pk and contacts.exists():
            field = self.fields["main_contact"]
            field.queryset = contacts  # type: ignore[attr-defined]
            field.label_from_instance = lambda contact: contact.user.display_name  # type: ignore[attr-defined]
        else:
            # A new client has no contacts yet: nobody to pick.
            del self.fields["main_contact"]

    def clean_website(self) -> str:
        website: str = self.cleaned_data["website"]
        if website and not website.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(WEBSITE_INVALID)
        return website


class InviteMemberForm(DomainErrorFormMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter the e-mail address to send the invitation to.",
            "invalid": "Enter a whole e-mail address, like sam@example.com.",
        },
    )
    name = forms.CharField(label="Name (optional)", max_length=120, required=False)
    role = forms.ChoiceField(
        choices=[(Role.ASSISTANT, "Assistant"), (Role.OWNER, "Owner")],
        initial=Role.ASSISTANT,
        help_text="Owners manage clients, people and settings; assistants work on their clients.",
    )


class InviteContactForm(DomainErrorFormMixin, forms.Form):
    email = InviteMemberForm.base_fields["email"]
    name = InviteMemberForm.base_fields["name"]


class AssignForm(DomainErrorFormMixin, forms.Form):
    assistant = forms.TypedChoiceField(
        label="Add someone",
        coerce=int,
        error_messages={
            "required": "Pick who should work on this client.",
            "invalid_choice": (
                "Pick someone from the list: the owners and assistants of your practice."
            ),
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assistant"].choices = [("", "Choose someone…"), *choices]  # type: ignore[attr-defined]


class RoleForm(DomainErrorFormMixin, forms.Form):
    role = forms.ChoiceField(
        choices=[(Role.ASSISTANT, "Assistant"), (Role.OWNER, "Owner")],
        error_messages={
            "required": "Pick owner or assistant.",
            "invalid_choice": "Pick owner or assistant.",
        },
    )


class AcceptInvitationForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=120,
        error_messages={"required": "Tell us your name, as the practice should see it."},
    )
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
        error_messages={"required": "Choose a password of at least 8 characters."},
    )
    password2 = forms.CharField(
        label="Type it again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
        error_messages={"required": "Type the password a second time."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", "The two passwords differ. Type the same one twice.")
        return data


class ExistingAccountAcceptForm(DomainErrorFormMixin, forms.Form):
    """A person who already has an account only confirms."""
