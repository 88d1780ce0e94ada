from django.http import HttpRequest


def sanction_notice(request: HttpRequest) -> dict:
    """The banner a silenced person sees on every page: until when and why (evaluated only by the shell)."""

    def notice() -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        from district.moderation.policy import banner_message

        return banner_message(user)

    return {"SANCTION_NOTICE": notice}
