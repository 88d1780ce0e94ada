"""The kernel's own registrations, called from `DistrictConfig.ready()`."""


def _sanction_handler():
    from district.moderation.models import Sanction, SanctionKind
    from district.moderation.registry import AppealHandler
    from district.roles import district_staff, is_district_staff

    def reverse(*, decider, target, reason):
        from district.moderation.services import sanction_lift

        if target.is_current():
            sanction_lift(by=decider, sanction=target, reason=reason, _as_appeal=True)

    return AppealHandler(
        key="sanction",
        model=Sanction,
        author_id=lambda s: s.user_id,
        acted_by_id=lambda s: s.moderator_id,
        acted_at=lambda s: s.created_at,
        reason_code=lambda s: s.reason_code,
        reason_text=lambda s: s.text,
        association=lambda s: None,
        summary=lambda s: str(s.get_kind_display()),
        label=lambda s: str(s.get_kind_display()),
        # A warning can be appealed too (it stays on the record); reversing it records the decision.
        appealable=lambda s: s.kind == SanctionKind.WARNING or s.is_current(),
        may_decide=lambda user, s: is_district_staff(user),
        reviewers=lambda s: district_staff().distinct(),
        reverse=reverse,
        content_url=lambda s: "",
    )


def setup() -> None:
    from district.models import register_notification_kind
    from district.moderation import notifications
    from district.moderation.registry import register_appeal_handler

    for kind in notifications.KINDS:
        register_notification_kind(kind, getattr(notifications, kind))
    register_appeal_handler(_sanction_handler())
