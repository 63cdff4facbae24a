import pytest

from tests.twinning.worlds import World


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads go to a throw-away folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(kontum):
    return World()
