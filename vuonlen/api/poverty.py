from ninja import Router

router = Router(tags=["Chuẩn nghèo"])
