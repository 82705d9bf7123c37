"""Each rule of the check: pass or fail, the measured value, the limit, the explanation and where it breaks."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from shapely.ops import unary_union

from permits.check.envelope import forbidden_by, substantial
from permits.check.explain import both, fig


def kind_label(kind: str) -> str:
    return {"front": _("Front"), "side": _("Side"), "rear": _("Rear")}[kind]


def edge_name(kind: str) -> str:
    return {"front": _("front edge"), "side": _("side edge"), "rear": _("rear edge")}[kind]


def result(rule: str, passed: bool, measured, limit, unit: str, source: dict, texts, violation=None) -> dict:
    ar, en = both(texts)
    return {"rule": rule, "passed": bool(passed), "measured": _round(measured), "limit": _round(limit), "unit": unit,
            "source": source, "explain_ar": ar, "explain_en": en, "violation": violation}


def _round(value):
    return round(value, 2) if isinstance(value, float) else value


def _src(source: dict) -> str:
    return f"{source.get('code', '')} v{source.get('version', '')}".strip()


def within_parcel(ctx) -> dict:
    outside = ctx.building.difference(ctx.parcel.buffer(0.005))
    bad = substantial(outside)
    area = outside.area if bad else 0.0
    return result("within_parcel", not bad, area, 0.0, "m²", ctx.source, lambda: (
        _("The building stays inside the parcel.") if not bad else
        _("%(a)s m² of the building lie outside the parcel's boundary.") % {"a": fig(area)}),
        ctx.geo(outside) if bad else None)


def setback(ctx, kind: str) -> dict:
    edges = [e for e in ctx.edges if e.kind == kind]
    rule = f"setback_{kind}"
    if not edges:
        return result(rule, True, None, None, "m", ctx.source,
                      lambda: _("%(Kind)s setback: the parcel has no %(edge)s, so none applies.")
                      % {"Kind": kind_label(kind), "edge": edge_name(kind)})
    # The edge with the least clearance against its own setback decides.
    worst = min(edges, key=lambda e: ctx.building.distance(e.line) - e.setback)
    clearance = ctx.building.distance(worst.line)
    strip = ctx.strips.get(kind)
    inside = ctx.building.intersection(strip) if strip is not None and not strip.is_empty else None
    bad = inside is not None and substantial(inside)
    street = worst.street

    def texts():
        where = (_("the edge facing %(s)s (%(w)s m wide)") % {"s": street[1] or "-", "w": fig(street[2])}
                 if street else _("the %(edge)s") % {"edge": edge_name(kind)})
        verdict = _("complies") if not bad else _("breaks the rule")
        return (_("%(Kind)s setback: the building comes %(c)s m from %(where)s; at least %(limit)s m is required "
                  "(%(src)s) — %(verdict)s.")
                % {"Kind": kind_label(kind), "c": fig(clearance),
                   "where": where, "limit": fig(worst.setback), "src": _src(ctx.source), "verdict": verdict})
    return result(rule, not bad, clearance, worst.setback, "m", ctx.source, texts, ctx.geo(inside) if bad else None)


def coverage(ctx, kind: str) -> dict:
    rule = f"coverage_{kind}"
    floors = [f for f in ctx.floors if f.kind == kind]
    if kind == "annex":
        limit = ctx.rules["coverage_annex_pct"]
        if not floors:
            return result(rule, True, 0.0, limit, "%", ctx.source, lambda: _("No roof annex is proposed."))
        below = [f for f in ctx.floors if f.kind in ("ground", "upper") and f.level < floors[0].level]
        base = max(below, key=lambda f: f.level).area if below else ctx.parcel.area
        pct = 100.0 * sum(f.area for f in floors) / base
        return result(rule, pct <= limit + 1e-6, pct, limit, "%", ctx.source, lambda: (
            _("Roof annex: %(a)s m², %(p)s %% of the floor beneath (%(b)s m²); at most %(l)s %% (%(src)s).")
            % {"a": fig(sum(f.area for f in floors)), "p": fig(pct), "b": fig(base), "l": fig(limit),
               "src": _src(ctx.source)}))
    limit = ctx.rules["coverage_ground_pct" if kind == "ground" else "coverage_upper_pct"]
    if not floors:
        return result(rule, True, 0.0, limit, "%", ctx.source, lambda: _("No upper floor is proposed."))
    worst = max(floors, key=lambda f: f.area)
    pct = 100.0 * worst.area / ctx.parcel.area
    bad = pct > limit + 1e-6

    def texts():
        return (_("%(floor)s coverage: %(a)s m² on a parcel of %(p)s m² is %(pct)s %%; at most %(l)s %% (%(src)s).")
                % {"floor": {"ground": _("Ground floor"), "upper": _("Upper floor")}[kind], "a": fig(worst.area),
                   "p": fig(ctx.parcel.area), "pct": fig(pct), "l": fig(limit), "src": _src(ctx.source)})
    return result(rule, not bad, pct, limit, "%", ctx.source, texts, ctx.geo(worst.shape) if bad else None)


def far(ctx) -> dict:
    total = sum(f.area for f in ctx.floors)
    ratio = total / ctx.parcel.area
    limit = ctx.rules["far"]
    return result("far", ratio <= limit + 1e-6, ratio, limit, "", ctx.source, lambda: (
        _("Floor area ratio: %(t)s m² of floors on %(p)s m² is %(r)s; at most %(l)s (%(src)s).")
        % {"t": fig(total), "p": fig(ctx.parcel.area), "r": fig(ratio), "l": fig(limit), "src": _src(ctx.source)}))


def floors(ctx) -> dict:
    count = sum(1 for f in ctx.floors if f.kind in ("ground", "upper"))
    limit = int(ctx.rules["max_floors"])
    return result("floors", count <= limit, count, limit, "", ctx.source, lambda: (
        _("Floors: %(n)s (ground and upper; a roof annex is not a floor); at most %(l)s (%(src)s).")
        % {"n": count, "l": limit, "src": _src(ctx.source)}))


def height(ctx) -> dict:
    limit, why = ctx.rules["max_height_m"], None
    for overlay in ctx.overlays:
        cap = overlay.get("max_height_m")
        if cap is not None and cap < limit and ctx.building.intersects(overlay["shape"]):
            limit, why = cap, overlay
    h = ctx.attrs["height_m"]

    def texts():
        text = (_("Height: %(h)s m; at most %(l)s m (%(src)s).")
                % {"h": fig(h), "l": fig(limit), "src": _src(ctx.source)})
        if why is not None:
            text += " " + _("The limit is the overlay's: %(name)s.") % {"name": why["name_ar"] or why["name_en"]}
        return text
    return result("height", h <= limit + 1e-6, h, limit, "m", ctx.source, texts)


def use(ctx) -> dict:
    allowed = ctx.rules["allowed_uses"]
    value = ctx.attrs["use"]
    return result("use", value in allowed, value, allowed, "", ctx.source, lambda: (
        (_("Use: %(u)s is allowed in this zone (%(src)s).") if value in allowed else
         _("Use: %(u)s is not allowed in this zone; allowed: %(a)s (%(src)s)."))
        % {"u": _(value), "a": ", ".join(str(_(u)) for u in allowed), "src": _src(ctx.source)}))


def parking(ctx) -> dict:
    r = ctx.rules
    area, units = ctx.parcel.area, ctx.attrs["units"]
    by_plot = int(r["parking_small_plot"] if area <= r["parking_plot_threshold_m2"] else r["parking_large_plot"])
    required = max(by_plot, math.ceil(units * r["parking_per_unit"] - 1e-9)) if units > 1 else by_plot
    floor_area = sum(f.area for f in ctx.floors)
    if ctx.attrs["use"] != "residential" and r["parking_per_100m2"]:
        required += math.ceil(floor_area * r["parking_per_100m2"] / 100 - 1e-9)
    given = ctx.attrs["parking_spaces"]
    return result("parking", given >= required, given, required, "", ctx.source, lambda: (
        _("Parking: %(g)s spaces; %(r)s required (plot of %(a)s m², threshold %(t)s m²; %(u)s unit(s); %(src)s).")
        % {"g": given, "r": required, "a": fig(area), "t": fig(r["parking_plot_threshold_m2"]), "u": units,
           "src": _src(ctx.source)}))


def frontage(ctx) -> dict:
    limit = ctx.rules.get("min_frontage_m") or 0.0
    value = ctx.frontage
    return result("frontage", value >= limit - 1e-6 and value > 0, value, limit, "m", ctx.source, lambda: (
        (_("Frontage: %(v)s m on the street; at least %(l)s m (%(src)s).") if value > 0 else
         _("Frontage: no edge of the parcel faces a street (within its width and the tolerance)."))
        % {"v": fig(value), "l": fig(limit), "src": _src(ctx.source)}))


def overlay_rule(ctx, overlay: dict) -> dict:
    zone = forbidden_by(ctx.parcel, overlay)
    inside = ctx.building.intersection(zone) if not zone.is_empty else None
    bad = inside is not None and substantial(inside)
    name = {"ar": overlay["name_ar"] or overlay["name_en"], "en": overlay["name_en"] or overlay["name_ar"]}

    def texts():
        what = (_("no building inside it or within %(m)s m of it") if overlay["prohibited"] else
                _("no building within %(m)s m of it")) % {"m": fig(overlay["extra_setback_m"])}
        return ((_("%(name)s touches the parcel: %(what)s — the building complies.") if not bad else
                 _("%(name)s touches the parcel: %(what)s — %(a)s m² of the building are in it."))
                % {"name": name["ar"], "what": what, "a": fig(inside.area if bad else 0.0)})
    return result(f"overlay:{overlay['id']}", not bad, inside.area if bad else 0.0, 0.0, "m²",
                  {"overlay": overlay["id"], "kind": overlay["kind"]}, texts, ctx.geo(inside) if bad else None)


def all_results(ctx) -> list[dict]:
    out = [within_parcel(ctx), setback(ctx, "front"), setback(ctx, "side"), setback(ctx, "rear"),
           coverage(ctx, "ground"), coverage(ctx, "upper"), coverage(ctx, "annex"), far(ctx), floors(ctx),
           height(ctx), use(ctx), parking(ctx), frontage(ctx)]
    out += [overlay_rule(ctx, o) for o in ctx.overlays if o["shape"].intersects(ctx.parcel.buffer(
        (o.get("extra_setback_m") or 0.0) + 0.01))]
    return out


def building_of(floors_) -> object:
    return unary_union([f.shape for f in floors_])
