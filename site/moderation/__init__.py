"""Moderation with due process, the kernel's part (issue #15).

Reason codes every moderation action carries (`reasons`), sanctions against
accounts with durations (`models.Sanction`, checked by every app through
`policy.require_can_participate`), appeals against any registered action
(`models.Appeal`, `registry.register_appeal_handler`: forums registers its
moderation log, the kernel its sanctions), the scheduled lapse of sanctions
and the overdue-appeal flag (scheduled from `services`), and the public transparency report
(`report`, whose counts of actions come from registered sources).
"""
