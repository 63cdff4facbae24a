"""The indicators room: dashboards (``urls_dashboard``) and targets, evaluation, entered
figures and the catalogue (``urls_targets``)."""

from .urls_dashboard import urlpatterns as dashboard_patterns
from .urls_targets import urlpatterns as target_patterns

app_name = "indicators"
urlpatterns = [*dashboard_patterns, *target_patterns]
