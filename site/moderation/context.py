from django.http import HttpRequest


def sanction_notice(request: HttpRequest) -> dict:
    """The banner a silenced person sees on every page: until when and why (queried only by the shell)."""

    def notice() -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        from district.moderation.policy import restriction_message, restriction_of

        sanction = restriction_of(user)
        return restriction_message(sanction) if sanction else ""

    return {"SANCTION_NOTICE": notice}
