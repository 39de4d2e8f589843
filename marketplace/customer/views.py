"""Oscar's profile deletion, refused for an account that kept records point at, with
deactivation offered instead (rules: marketplace.accounts.services)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from oscar.apps.customer import views as oscar_views
from oscar.core.loading import get_class, get_classes

from marketplace.accounts import services

PageTitleMixin = get_class("customer.mixins", "PageTitleMixin")
(ConfirmPasswordForm,) = get_classes("customer.forms", ["ConfirmPasswordForm"])


class ProfileDeleteView(oscar_views.ProfileDeleteView):
    """Deletes the account after the password, as Oscar's; for an account that must be kept,
    says why and offers deactivation (templates/oscar/customer/profile/profile_delete.html)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["refusal"] = services.user_delete_refusal(self.request.user)
        if ctx["refusal"] is not None:
            ctx["deactivate_form"] = ConfirmPasswordForm(self.request.user)
        return ctx

    def form_valid(self, form):
        try:
            services.user_delete(user=self.request.user)
        except services.AccountKept as kept:
            messages.error(self.request, kept.refusal.message)
            return redirect("customer:profile-delete")
        messages.success(self.request, _("Your profile has now been deleted. Thanks for using the site."))
        return redirect(self.get_success_url())


class ProfileDeactivateView(PageTitleMixin, generic.FormView):
    """Deactivates the account after the password: it can no longer log in, nothing is deleted."""

    form_class = ConfirmPasswordForm
    template_name = "oscar/customer/profile/profile_delete.html"
    page_title = gettext_lazy("Delete profile")
    active_tab = "profile"
    http_method_names = ["post"]  # the form is on the delete page
    success_url = settings.OSCAR_HOMEPAGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_invalid(self, form):
        # Back on the delete page, the password error at the deactivation form.
        ctx = self.get_context_data(form=ConfirmPasswordForm(self.request.user), deactivate_form=form)
        ctx["refusal"] = services.user_delete_refusal(self.request.user)
        return self.render_to_response(ctx, status=400)

    def form_valid(self, form):
        services.user_deactivate(user=self.request.user)
        logout(self.request)
        messages.success(
            self.request,
            _("Your account has been deactivated. To use it again, contact the site administrator."),
        )
        return redirect(self.get_success_url())
