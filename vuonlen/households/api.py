from ninja import Router

router = Router(tags=["Hộ gia đình"])
