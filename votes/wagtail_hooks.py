"""The Votes menu in the Wagtail admin: ballots (with boxes and officers) and their questions (with items).

Leaders see and edit only their own association's ballots, staff all; the
permission policies below answer per row, so an edit URL typed by hand is
refused as well as hidden. Questions and items are frozen once the ballot is
published (what residents vote on must not change under them). Running a
ballot (check-in, counts, closing, certification) happens on the site's
officers' desk, `/votes/<id>/officer/`.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from district.markup import render_markdown
from district.roles import is_district_staff
from dong.models import DongPage
from votes import permissions, registry
from votes.models import Ballot, BallotStatus, Question


def _led_dongs(user):
    if is_district_staff(user):
        return DongPage.objects.all()
    return DongPage.objects.filter(
        leaders_group_id__in=permissions.user_group_ids(user)
    )


class _LeadersPolicy(BasePermissionPolicy):
    """Staff everywhere; an association's leaders on their own association's rows."""

    def _ballot(self, instance) -> Ballot:
        return instance if isinstance(instance, Ballot) else instance.ballot

    def user_has_permission(self, user, action):
        return permissions.leads_any(user)

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def user_has_permission_for_instance(self, user, action, instance):
        ballot = self._ballot(instance)
        if not permissions.is_leader(user, ballot):
            return False
        return self._instance_action_allowed(action, instance, ballot)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, a, instance) for a in actions
        )

    def _instance_action_allowed(self, action, instance, ballot) -> bool:
        if action == "delete":
            return ballot.status == BallotStatus.DRAFT
        return True

    def instances_user_has_any_permission_for(self, user, actions):
        return self.instances_user_has_permission_for(user, None)


class BallotPolicy(_LeadersPolicy):
    def instances_user_has_permission_for(self, user, action):
        return permissions.ballots_led_by(user)


class QuestionPolicy(_LeadersPolicy):
    def _instance_action_allowed(self, action, instance, ballot) -> bool:
        return action == "view" or ballot.status == BallotStatus.DRAFT

    def instances_user_has_permission_for(self, user, action):
        return Question.objects.filter(ballot__in=permissions.ballots_led_by(user))


register_permission_policy(Ballot, BallotPolicy(Ballot))
register_permission_policy(Question, QuestionPolicy(Question))


class BallotForm(WagtailAdminModelForm):
    """A leader picks only their own association; staff may leave it empty for a district vote."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and "dong" in self.fields:
            self.fields["dong"].queryset = _led_dongs(user)
            self.fields["dong"].required = not is_district_staff(user)

    def save(self, commit=True):
        ballot = super().save(commit=False)
        ballot.description_html = (
            render_markdown(ballot.description) if ballot.description else ""
        )
        if ballot.created_by_id is None and self.for_user is not None:
            ballot.created_by = self.for_user
        if commit:
            ballot.save()
            self.save_m2m()
        return ballot


class QuestionForm(WagtailAdminModelForm):
    """Only draft ballots the user leads; items may be picked from the registered sources (e.g. proposals)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        drafts = permissions.ballots_led_by(user).filter(status=BallotStatus.DRAFT)
        self.fields["ballot"].queryset = drafts
        choices = {}
        for ballot in drafts[:20]:
            for choice in registry.item_choices(ballot):
                choices.setdefault(choice.key, choice)
        self._sources = choices
        options = [("", _("— typed by hand —"))] + [
            (key, f"{c.title} ({key})") for key, c in choices.items()
        ]
        formset = self.formsets.get("items")
        if formset is not None:
            for form in [*formset.forms, formset.empty_form]:
                form.fields["source_key"] = forms.ChoiceField(
                    label=_("Pick from the site"),
                    choices=options,
                    required=False,
                    help_text=_(
                        "Leave the title empty to use the picked item's title and summary."
                    ),
                )
                form.fields["title"].required = False

    def is_valid(self) -> bool:
        """After the item forms are cleaned: fill a picked item's title, summary and link from its source."""
        valid = super().is_valid()
        formset = self.formsets.get("items")
        for form in formset.forms if formset is not None else []:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            key = data.get("source_key")
            if key and not data.get("title"):
                choice = getattr(self, "_sources", {}).get(key)
                if choice is None:
                    form.add_error("source_key", _("This item is no longer available."))
                    valid = False
                    continue
                # The item's instance was built during validation: fill both.
                data["title"] = form.instance.title = choice.title
                data["summary"] = form.instance.summary = (
                    data.get("summary") or choice.summary
                )
                data["url"] = form.instance.url = data.get("url") or choice.url
            elif not data.get("title"):
                form.add_error(
                    "title", _("Type a title or pick an item from the site.")
                )
                valid = False
        return valid


class LeadersIndexView(generic.IndexView):
    """Only the rows the user leads (the policy's own answer), staff all."""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if isinstance(instance, Ballot):
            buttons.append(
                MenuItem(
                    _("Officers' desk (publish, close, certify)"),
                    url=reverse("votes:officer", args=[instance.pk]),
                    icon_name="tasks",
                    priority=15,
                )
            )
            buttons.append(
                MenuItem(
                    _("View on the site"),
                    url=instance.get_absolute_url(),
                    icon_name="view",
                    priority=16,
                )
            )
        return buttons

    def get_base_queryset(self):
        rows = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "change"
        )
        return super().get_base_queryset().filter(pk__in=rows.values("pk"))


class RowCheckedEditView(generic.EditView):
    """Wagtail's edit view checks the model permission only: check the row too (404 like the site)."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            raise PermissionDenied
        return instance


class RowCheckedDeleteView(generic.DeleteView):
    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "delete", instance
        ):
            raise PermissionDenied
        return instance


class BallotViewSet(ModelViewSet):
    model = Ballot
    index_view_class = LeadersIndexView
    edit_view_class = RowCheckedEditView
    delete_view_class = RowCheckedDeleteView
    icon = "tasks"
    menu_label = _("Ballots")
    list_display = ("title", "dong", "opens_at", "closes_at", "status")
    list_filter = ("status",)
    search_fields = ("title",)
    edit_handler = ObjectList(
        [
            FieldPanel("dong"),
            FieldPanel("title"),
            FieldPanel("description"),
            MultiFieldPanel(
                [FieldPanel("opens_at"), FieldPanel("closes_at")],
                heading=_("Online voting"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("min_age"),
                    FieldPanel("allow_residents"),
                    FieldPanel("allow_workers"),
                    FieldPanel("allow_foreign_residents"),
                    FieldPanel("needs_confirmation"),
                ],
                heading=_("Who may vote"),
            ),
            MultiFieldPanel(
                [FieldPanel("allow_revote"), FieldPanel("show_live_tallies")],
                heading=_("Options"),
            ),
            FieldPanel("assembly"),
            FieldPanel("other_business"),
            InlinePanel(
                "boxes", heading=_("Paper ballot boxes"), label=_("Ballot box")
            ),
            InlinePanel(
                "officers",
                heading=pgettext_lazy("people who run ballot boxes", "Officers"),
                label=pgettext_lazy("person who runs ballot boxes", "Officer"),
            ),
        ],
        base_form_class=BallotForm,
    )


class QuestionViewSet(ModelViewSet):
    model = Question
    index_view_class = LeadersIndexView
    edit_view_class = RowCheckedEditView
    delete_view_class = RowCheckedDeleteView
    icon = "list-ol"
    menu_label = _("Questions")
    list_display = ("text", "ballot", "kind")
    list_filter = ("kind",)
    edit_handler = ObjectList(
        [
            FieldPanel("ballot"),
            FieldPanel("position"),
            FieldPanel("text"),
            FieldPanel("kind"),
            FieldPanel("max_picks"),
            FieldPanel("winners"),
            FieldPanel("quorum"),
            InlinePanel(
                "items",
                heading=_("Items"),
                label=_("Item"),
                panels=[
                    FieldPanel("source_key"),
                    FieldPanel("title"),
                    FieldPanel("summary"),
                    FieldPanel("url"),
                ],
            ),
        ],
        base_form_class=QuestionForm,
    )


class VotesGroup(ModelViewSetGroup):
    menu_label = _("Votes")
    menu_icon = "tasks"
    menu_order = 170
    items = (BallotViewSet("ballots"), QuestionViewSet("ballot_questions"))


@hooks.register("register_admin_viewset")
def register_votes_viewsets():
    return VotesGroup()
