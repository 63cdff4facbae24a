"""The REST API at /api/v1/: one router per room, OpenAPI schema at /api/v1/openapi.json and
interactive docs at /api/v1/docs. Session authentication (the same login as the pages).

Every error is JSON in one shape (see :mod:`vuonlen.api.errors`) and documented per operation
(401/403/404/422); every parameter is bounded (:mod:`vuonlen.api.params`). Schemathesis checks
both against the running API in the test suite (tests/api/test_schemathesis.py)."""

from ninja import NinjaAPI
from ninja.security import django_auth

from vuonlen.households.api import router as households_router
from vuonlen.indicators.api import router as indicators_router
from vuonlen.plans.api import router as plans_router
from vuonlen.surveys.api import router as surveys_router

from . import errors
from .poverty import router as poverty_router

api = NinjaAPI(
    title="Vươn Lên API",
    version="1",
    description="API của hệ thống Vươn Lên. Mọi dữ liệu đều theo phạm vi của tài khoản đăng nhập. "
                "Mọi lỗi trả về JSON: {\"detail\": \"…\"}; lỗi dữ liệu (422) liệt kê từng trường: "
                "{\"detail\": [{\"loc\": […], \"msg\": \"…\"}]}.",
    urls_namespace="api",
    auth=django_auth,
)
errors.install(api)
api.add_router("/poverty/", poverty_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/surveys/", surveys_router)
api.add_router("/plans/", plans_router)
api.add_router("/", households_router)
