"""The scratch app's part of the demo, named in its AppConfig (``demo_part``) as a process names its own."""

CALLS: list[tuple[str, int]] = []  # (municipality code, generic cases of its type made in that run)


def generate(ctx) -> None:
    CALLS.append((ctx.municipality.code, len(ctx.cases.get("kiosk_permit", []))))
