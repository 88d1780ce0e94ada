"""Budget cycles and proposals in the Wagtail admin, in one "Participatory budget" menu.

Leaders see and manage their own association's cycles and proposals only;
district staff see everything and alone create district-wide cycles. The
rule is `permissions.can_manage_cycle`, applied three ways: a permission
policy (menu, buttons, every view's model-level check), the listing's
queryset, and each object view's lookup (an address typed by hand answers
403). Proposals are read-only here: every change to them has a public
reason and goes through the proposal page's forms and the services.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from district.roles import is_district_staff, user_group_ids
from dong.models import DongPage
from proposals import permissions, services
from proposals.models import Cycle, Proposal


def _led_dongs(user) -> QuerySet[DongPage]:
    return DongPage.objects.filter(leaders_group_id__in=user_group_ids(user))


def _is_organiser(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return is_district_staff(user) or _led_dongs(user).exists()


class AssociationPolicy(BasePermissionPolicy):
    """Staff: everything. Leaders: their association's rows (cycles: add, change, view; never delete)."""

    dong_path = "dong"
    actions = ("add", "change", "view")

    def user_has_permission(self, user, action):
        if is_district_staff(user):
            return True
        return action in self.actions and _is_organiser(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def _instance_cycle(self, instance) -> Cycle:
        return instance if isinstance(instance, Cycle) else instance.cycle

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return permissions.can_manage_cycle(user, self._instance_cycle(instance))

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, a, instance) for a in actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        rows = self.model._default_manager.all()
        if is_district_staff(user):
            return rows
        if not self.user_has_any_permission(user, actions):
            return rows.none()
        return rows.filter(
            **{f"{self.dong_path}__leaders_group_id__in": user_group_ids(user)}
        )

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def users_with_any_permission(self, actions):
        from district.roles import district_staff

        return district_staff()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class ProposalPolicy(AssociationPolicy):
    dong_path = "cycle__dong"
    actions = ("view",)

    def user_has_permission(self, user, action):
        return action == "view" and _is_organiser(user)


class OwnRowsMixin:
    """Object views look the row up among those the user may manage: another association's answers 403."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, ["change", "view"], obj
        ):
            raise PermissionDenied
        return obj


class OwnRowsIndexView(generic.IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "view"]
        ).select_related(*self.related)

    related: tuple = ()


class CycleIndexView(OwnRowsIndexView):
    related = ("dong",)


class CycleEditView(OwnRowsMixin, generic.EditView):
    pass


class CycleDeleteView(OwnRowsMixin, generic.DeleteView):
    pass


class CycleInspectView(OwnRowsMixin, generic.InspectView):
    pass


class CycleCreateView(generic.CreateView):
    def save_instance(self):
        return services.cycle_create(
            actor=self.request.user, cycle=self.form.save(commit=False)
        )


class CycleForm(WagtailAdminModelForm):
    """Leaders choose among their own associations; only staff leave it empty (district-wide)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields.get("dong")
        if field is not None and user is not None and not is_district_staff(user):
            field.queryset = _led_dongs(user).order_by("path")
            field.required = True
            field.empty_label = None

    def clean(self):
        data = super().clean()
        user = self.for_user
        if user is not None and not is_district_staff(user):
            dong = data.get("dong")
            if dong is None or dong.leaders_group_id not in user_group_ids(user):
                raise forms.ValidationError(
                    _("You can only manage your own association's cycles.")
                )
        return data


class CycleViewSet(ModelViewSet):
    model = Cycle
    name = "proposals_cycle"
    icon = "tasks"
    menu_label = _("Budget cycles")
    index_view_class = CycleIndexView
    add_view_class = CycleCreateView
    edit_view_class = CycleEditView
    delete_view_class = CycleDeleteView
    inspect_view_class = CycleInspectView
    inspect_view_enabled = True
    list_display = (
        "name",
        "dong",
        "year",
        "budget",
        Column("phase", label=_("Phase"), accessor="get_phase_display"),
    )
    list_filter = ("year",)
    search_fields = ("name",)
    panels = (
        FieldPanel("dong"),
        FieldPanel("name"),
        FieldRowPanel((FieldPanel("year"), FieldPanel("budget"))),
        FieldPanel("board"),
        MultiFieldPanel(
            (
                FieldPanel("proposing_from"),
                FieldPanel("screening_from"),
                FieldPanel("deliberation_from"),
                FieldPanel("selection_from"),
                FieldPanel("implementation_from"),
                FieldPanel("ends_on"),
            ),
            heading=_("Phases (each runs until the next one's date, Seoul time)"),
        ),
    )

    def get_form_class(self, for_update=False):
        from wagtail.admin.panels import ObjectList

        return (
            ObjectList(self.panels, base_form_class=CycleForm)
            .bind_to_model(Cycle)
            .get_form_class()
        )


class ProposalIndexView(OwnRowsIndexView):
    related = ("cycle__dong",)


class ProposalInspectView(OwnRowsMixin, generic.InspectView):
    pass


class ProposalViewSet(ModelViewSet):
    model = Proposal
    name = "proposals_proposal"
    icon = "doc-full"
    menu_label = _("Proposals")
    index_view_class = ProposalIndexView
    inspect_view_class = ProposalInspectView
    inspect_view_enabled = True
    list_display = (
        "title",
        "cycle",
        "status",
        "support_count",
        "updated_at",
    )
    list_filter = ("status", "category")
    search_fields = ("title",)
    form_fields = ("title",)
    inspect_view_fields = (
        "title",
        "cycle",
        "category",
        "status",
        "support_count",
        "cost",
        "department",
        "cost_estimate",
        "feasibility_note",
        "progress",
        "completed_on",
    )


register_permission_policy(Cycle, AssociationPolicy(Cycle))
register_permission_policy(Proposal, ProposalPolicy(Proposal))


class ParticipatoryBudgetGroup(ModelViewSetGroup):
    menu_label = _("Participatory budget")
    menu_icon = "tasks"
    menu_order = 170
    items = (CycleViewSet, ProposalViewSet)


@hooks.register("register_admin_viewset")
def register_viewset():
    return ParticipatoryBudgetGroup()
