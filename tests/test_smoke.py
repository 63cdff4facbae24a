from vuonlen.geo.models import AdministrativeUnit


def test_units_loaded(kontum):
    assert AdministrativeUnit.objects.filter(level=3, era="pre2025").count() == 102
