from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "vuonlen.geo"
    label = "geo"
    verbose_name = "Đơn vị hành chính"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from vuonlen.accounts import scoping
        from vuonlen.core import history

        from .models import AdministrativeUnit, UnitLineage
        from .versions import units_changed

        # What is cached from the tree (the scope panel) is drawn afresh after any unit changes.
        post_save.connect(units_changed, sender=AdministrativeUnit, dispatch_uid="geo-units-version-save")
        post_delete.connect(units_changed, sender=AdministrativeUnit, dispatch_uid="geo-units-version-delete")
        # Readers' scopes reach old units through the lineage (kept in the cache: accounts.scoping).
        post_save.connect(units_changed, sender=UnitLineage, dispatch_uid="geo-lineage-version-save")
        post_delete.connect(units_changed, sender=UnitLineage, dispatch_uid="geo-lineage-version-delete")

        # A unit's history page is open to whoever may see the unit (villages included).
        history.register("geo.administrativeunit", lambda user, pk: scoping.get_unit_or_404(user, pk))
