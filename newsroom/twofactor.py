"""Two-factor sign-in (TOTP, django-otp) for the admin.

Any staff member may add an authenticator app; with
``OTP_REQUIRED_FOR_EDITORS=1`` editors and superusers must. Until they have
verified a code in this session, every admin page but sign-in, sign-out and
the set-up page sends them to set it up (or to enter a code).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


def must_use_two_factor(user):
    if not settings.OTP_REQUIRED_FOR_EDITORS or not user.is_authenticated or not user.is_staff:
        return False
    return user.is_superuser or user.has_perm("articles.publish_article")


class AdminLoginForm(AdminAuthenticationForm, OTPAuthenticationFormMixin):
    """The admin sign-in, with a code field for those who set up two-factor."""

    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Only if you have set up an authenticator app."),
    )

    def _chosen_device(self, user):
        # The page has no device menu: the set-up page gives each account one
        # authenticator, so that is the device the code is checked against.
        return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        # Only accounts with an authenticator need (and may use) a code.
        if user is not None and any(devices_for_user(user, confirmed=True)):
            self.clean_otp(user)
        return cleaned_data


class RequireTwoFactorMiddleware:
    EXEMPT = ("admin:login", "admin:logout", "admin:jsi18n", "two_factor_setup")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and request.path.startswith("/admin/")
            and must_use_two_factor(user)
            and not user.is_verified()
            and request.path not in {reverse(name) for name in self.EXEMPT}
        ):
            return redirect("two_factor_setup")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


@staff_member_required
def two_factor_setup(request):
    """Add an authenticator app (or, with one confirmed, enter its code)."""
    user = request.user
    confirmed = [device for device in devices_for_user(user, confirmed=True)]
    device = None if confirmed else TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if not confirmed and device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        matched = next((candidate for candidate in (confirmed or [device]) if candidate.verify_token(code)), None)
        if matched is not None:
            if not matched.confirmed:
                matched.confirmed = True
                matched.save(update_fields=["confirmed"])
            otp_login(request, matched)
            return redirect("admin:index")
        form.add_error("code", _("That code is not right (or has expired). Try the current one."))
    context = {
        **admin.site.each_context(request),
        "title": _("Two-factor sign-in"),
        "form": form,
        "setting_up": not confirmed,
        "secret": _grouped(device.config_url.split("secret=")[1].split("&")[0]) if device else "",
        "config_url": device.config_url if device else "",
        "required": must_use_two_factor(user),
    }
    return TemplateResponse(request, "admin/two_factor.html", context)


def _grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
