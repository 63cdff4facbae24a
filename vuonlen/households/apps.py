from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "vuonlen.households"
    label = "households"
    verbose_name = "Sổ hộ nghèo, cận nghèo"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from vuonlen.core import history

        from . import names, selectors
        from .models import Membership, Person

        # The household's names column follows its memberships and its people's names.
        post_save.connect(names.membership_changed, sender=Membership, dispatch_uid="households-names-membership-save")
        post_delete.connect(names.membership_changed, sender=Membership, dispatch_uid="households-names-membership-del")
        post_save.connect(names.person_saved, sender=Person, dispatch_uid="households-names-person-save")

        # History pages open to whoever may see the household (the audit log has no scope itself).
        history.register("households.household", lambda user, pk: selectors.get_household_for_user_or_404(user, pk))
        history.register("households.review", lambda user, pk: selectors.get_review_for_user_or_404(user, pk))
