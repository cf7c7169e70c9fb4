from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import Role, User
from spona.core.forms import VersionedForm, limit_choices
from spona.institutions.models import Institution


class LanguageSelect(forms.Select):
    """The languages, each in its own name and marked with its language (``lang``), so that
    a screen reader says "English" in English on a Serbian page."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        code = str(option["value"])
        if code:
            option["attrs"]["lang"] = "sr-Latn" if code == "sr-latn" else code
        return option


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code", inputmode="text", autofocus=True
        )


class EnrolForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The six digits your authenticator app shows now.")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Which system will use this token.")
    )


class UserCreateForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "language",
            "role",
            "institution",
        ]
        widgets = {"language": LanguageSelect}

    def __init__(
        self, *args: Any, roles: list[Role], institutions: QuerySet[Institution], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)  # noqa: S101
        role_field.choices = [(r.value, r.label) for r in roles]
        limit_choices(self, "institution", institutions)
        self.fields["institution"].required = True


class UserEditForm(VersionedForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language", "role", "is_active"]
        widgets = {"language": LanguageSelect}

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)  # noqa: S101
        role_field.choices = [(r.value, r.label) for r in roles]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
        help_text=_(
            "Your e-mails come in this language, and the site shows it each time you sign in."
        ),
    )
