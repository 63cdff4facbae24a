from django.apps import AppConfig


class PovertyConfig(AppConfig):
    """Installed only so that `vuonlen poverty ...` is found; the room has no models.

    The standards themselves (standards.py, classification.py, inputs.py) never import Django.
    """

    name = "vuonlen.poverty"
    label = "poverty"
    verbose_name = "Chuẩn nghèo"
