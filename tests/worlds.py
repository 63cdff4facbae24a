"""The ground the rooms' scenarios share: Kon Rẫy district (614) of old Kon Tum with Đắk Tơ Lung
and a second commune, and Kon Plông (613) whose records must stay invisible. A room's world
(``tests/<room>/worlds.py``) adds its villages, organisations and accounts from the factories."""

from __future__ import annotations

from tests import factories
from vuonlen.geo.models import AdministrativeUnit, Level


class KonRayWorld:
    def __init__(self):
        self.province = factories.unit("62", level=Level.PROVINCE)
        self.district = factories.unit("614", level=Level.DISTRICT)
        self.other_district = factories.unit("613", level=Level.DISTRICT)
        self.commune = factories.unit("23485")  # Đắk Tơ Lung, Kon Rẫy
        self.commune2 = (AdministrativeUnit.objects.filter(parent=self.district, level=Level.COMMUNE)
                         .exclude(pk=self.commune.pk).order_by("code").first())
        self.other_commune = AdministrativeUnit.objects.filter(parent=self.other_district,
                                                               level=Level.COMMUNE).order_by("code").first()
