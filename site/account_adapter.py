"""allauth's adapter: a child's account waiting for a guardian says so (not just "inactive")."""

from allauth.account.adapter import DefaultAccountAdapter
from django.shortcuts import redirect

from district.consents import GuardianConsent


class AccountAdapter(DefaultAccountAdapter):
    def respond_user_inactive(self, request, user):
        consent = GuardianConsent.objects.filter(
            user=user, confirmed_at__isnull=True
        ).first()
        if consent is not None and consent.is_pending():
            return redirect("guardian_waiting")
        return super().respond_user_inactive(request, user)
