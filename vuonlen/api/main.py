"""The REST API at /api/v1/: one router per room, OpenAPI schema at /api/v1/openapi.json and
interactive docs at /api/v1/docs. Session authentication (the same login as the pages)."""

from ninja import NinjaAPI
from ninja.security import django_auth

from vuonlen.households.api import router as households_router
from vuonlen.indicators.api import router as indicators_router

from .poverty import router as poverty_router

api = NinjaAPI(
    title="Vươn Lên API",
    version="1",
    description="API của hệ thống Vươn Lên. Mọi dữ liệu đều theo phạm vi của tài khoản đăng nhập.",
    urls_namespace="api",
    auth=django_auth,
)
api.add_router("/poverty/", poverty_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/", households_router)
