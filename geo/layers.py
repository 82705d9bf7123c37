"""The layer registry: every app declares its map layers here, once.

Serving code (tiles, TileJSON, the map style, OGC API collections, at-point, the admin map's context,
spatial selectors) discovers layers through this registry, so adding a layer never touches the serving
code: a layer says how it is drawn (``style``), whether "what is here?" answers it (``at_point``), which
fields carry its validity period (``time_fields``), where it is drawn (``order``). Apps register their
layers in ``AppConfig.ready()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

PUBLIC = "public"  # anyone, e.g. the base map of the planner map and of offline packages
TENANT = "tenant"  # only signed-in people and API keys of the layer's municipality, and only its rows
PERMISSIONS = (PUBLIC, TENANT)


@dataclass(frozen=True)
class Style:
    """How a layer is drawn on the map (MapLibre style v8 values: a colour, or an expression on its fields).

    Polygons get ``fill`` (none by default: an outline only), lines are drawn ``line_colour`` and as wide as
    their ``width_field`` (metres) where they have one; a label shows ``name_ar``, ``name_en`` or ``number``
    from ``label_min_zoom`` on.
    """

    fill: str | list | None = None
    fill_opacity: float = 0.8
    line_colour: str = "#555555"
    line_width: float = 1
    width_field: str | None = None
    label_min_zoom: int | None = None  # None: from the layer's min_zoom
    label_size: int = 13
    heatmap_below_zoom: int | None = None  # points: a heat map up to this zoom, dots from it


@dataclass(frozen=True)
class Layer:
    name: str  # URL-safe identifier, e.g. "parcels"
    model: type[Model]
    title_ar: str
    title_en: str
    geom_field: str = "geom"
    # Attributes exposed to maps and APIs (allow-list; nothing else leaves the database).
    fields: tuple[str, ...] = ()
    # Attributes that clients may filter on (a subset of ``fields``).
    filter_fields: tuple[str, ...] = ()
    # Attributes only for signed-in callers of the tenant (API, OGC API), never in public map tiles:
    # e.g. deed numbers identify owners' title deeds.
    restricted_fields: tuple[str, ...] = ()
    min_zoom: int = 0
    max_zoom: int = 22
    # Rows that are part of the current map (e.g. parcels not retired).
    current: Q = field(default_factory=Q)
    # The tenant key; None only for the municipality layer itself.
    tenant_field: str | None = "municipality"
    # Who may read the layer's map tiles (PUBLIC or TENANT); restricted_fields always need the tenant.
    permission: str = PUBLIC
    # How the map draws it, and in which order (lower first: areas under parcels, lines over them).
    style: Style = field(default_factory=Style, compare=False)  # not hashed: a style may hold lists
    order: int = 50
    # Whether "what is here?" (at-point) answers with this layer's features at the point.
    at_point: bool = False
    # The (start, end) fields of a layer whose records have a validity period: OGC ``datetime`` selects the
    # records valid then, history included; None for a layer of current records only.
    time_fields: tuple[str, str] | None = None
    # Whether the admin map shows it around the record being edited.
    admin_context: bool = False

    def __post_init__(self):
        if self.permission not in PERMISSIONS:
            raise ValueError(f"Layer {self.name!r}: permission must be one of {PERMISSIONS}, not {self.permission!r}.")
        if self.permission == TENANT and self.tenant_field is None:
            raise ValueError(f"Layer {self.name!r}: a tenant layer needs a tenant_field.")

    @property
    def is_public(self) -> bool:
        return self.permission == PUBLIC

    @property
    def public_fields(self) -> tuple[str, ...]:
        return tuple(f for f in self.fields if f not in self.restricted_fields)

    def filter_value(self, name: str, raw: str):
        """A filter's value as its field holds it (yes/no fields read true/false, 1/0); ValueError if it is not
        one. Text and choice values pass as they are (tiles and OGC check them further)."""
        field = self.model._meta.get_field(name)
        if field.get_internal_type() == "BooleanField":
            word = raw.strip().lower()
            if word in ("true", "1", "t", "yes"):
                return True
            if word in ("false", "0", "f", "no"):
                return False
            raise ValueError(raw)
        try:
            return field.to_python(raw)
        except ValidationError:
            raise ValueError(raw) from None

    def queryset(self, *, municipality=None) -> QuerySet:
        qs = self.model._default_manager.filter(self.current)
        if municipality is not None:
            key = self.tenant_field or "pk"
            qs = qs.filter(**{key: getattr(municipality, "pk", municipality)})
        return qs


_REGISTRY: dict[str, Layer] = {}


class UnknownLayer(LookupError):
    pass


_GENERATION = [0]  # bumped by every change of the registry: caches of what was built from it key on it


def generation() -> int:
    return _GENERATION[0]


def register(layer: Layer) -> Layer:
    existing = _REGISTRY.get(layer.name)
    if existing is not None and existing.model is not layer.model:
        raise ValueError(f"Layer name {layer.name!r} is already registered for {existing.model.__name__}.")
    _REGISTRY[layer.name] = layer
    _GENERATION[0] += 1
    return layer


def get_layer(name: str) -> Layer:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownLayer(name) from None


def all_layers() -> list[Layer]:
    """Every layer, in the order registered (the map style sorts them by ``order``)."""
    return list(_REGISTRY.values())


def at_point_layers() -> list[Layer]:
    """The layers "what is here?" answers, topmost first (parcels before the districts they lie in)."""
    return sorted((layer for layer in _REGISTRY.values() if layer.at_point), key=lambda layer: -layer.order)


def unregister(name: str) -> None:
    """Remove a layer (tests that register a layer of their own clean up with this)."""
    _REGISTRY.pop(name, None)
    _GENERATION[0] += 1
