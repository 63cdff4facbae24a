from .navigation import current_room, rooms_for


def navigation(request):
    """Rooms shown in the top navigation (``nav_rooms``: (url_name, label, url) triples; the
    address is reversed once per process, not in the template on every page), the current
    room, and the person's roles for the top bar."""
    from vuonlen.accounts import scoping
    from vuonlen.accounts.roles import Role

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_rooms": [], "nav_current": "", "user_role_labels": []}
    rooms = rooms_for(user)
    return {
        "nav_rooms": [(room.url_name, room.label, room.url) for room in rooms],
        "nav_current": current_room(rooms, request.path),
        "user_role_labels": sorted(str(Role(code).label) for code in scoping.roles_of(user)),
    }
