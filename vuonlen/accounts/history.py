"""History pages for organisations: opened only through the person's scope.

(Units are registered by the geo room, in ``GeoConfig.ready``.)
"""

from vuonlen.core import history

from . import roles, scoping
from .models import Organisation


def _organisation(user, pk):
    return scoping.get_scoped_or_404(user, Organisation.objects.select_related("unit"), roles.ORG_VIEW, pk=pk)


def register() -> None:
    history.register("accounts.organisation", _organisation)
