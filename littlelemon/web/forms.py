"""Forms of the customer pages. They parse and check input with the domain's own rules
(accounts.selectors, Django's password validators); the services decide."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from littlelemon.accounts.exceptions import EmailTaken, UsernameTaken
from littlelemon.accounts.models import User
from littlelemon.accounts.selectors import email_taken, username_taken
from littlelemon.core.exceptions import ApplicationError


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal next to the field it names (or above the form when it names none)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class SignUpForm(forms.Form):
    # The model field's own rules (letters, digits and @.+-_, at most 150): a form field does not
    # carry a model field's validators by itself.
    username = User._meta.get_field("username").formfield(
        validators=[User.username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
        help_text="Letters, digits and @ . + - _ only; 150 characters or fewer.",
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send password reset links and order updates here.",
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if username_taken(username=username):
            raise forms.ValidationError(UsernameTaken.default_message)
        return username

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email_taken(email=email):
            raise forms.ValidationError(EmailTaken.default_message)
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            user = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password, user=user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's form (it calls `authenticate()`, so lockout backends apply), with autocomplete hints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocapitalize="none", spellcheck="false")
