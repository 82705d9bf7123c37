"""Temporary: replaced by the identity work (a database-backed throttle)."""


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def throttle_hit(*, kind: str, address: str, national_id: str = "", per_address: int, per_id: int,
                 window_s: int) -> int | None:
    return None
