from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "vuonlen.geo"
    label = "geo"
    verbose_name = "Đơn vị hành chính"

    def ready(self):
        from vuonlen.accounts import scoping
        from vuonlen.core import history

        # A unit's history page is open to whoever may see the unit (villages included).
        history.register("geo.administrativeunit", lambda user, pk: scoping.get_unit_or_404(user, pk))
