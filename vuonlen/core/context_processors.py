def navigation(request):
    """Rooms shown in the top navigation, filtered by what the person may do."""
    from vuonlen.accounts import roles, scoping

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_rooms": []}
    rooms = [("home", "Trang chủ", None), ("geo:unit_list", "Địa bàn", roles.UNIT_VIEW),
             ("accounts:organisation_list", "Tổ chức", roles.ORG_VIEW),
             ("core:audit_list", "Nhật ký", roles.AUDIT_VIEW)]
    return {"nav_rooms": [(name, label) for name, label, perm in rooms if perm is None or scoping.can(user, perm)]}
