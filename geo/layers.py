"""The layer registry: every app declares its map layers here, once.

Serving code (tiles, OGC API, spatial selectors) discovers layers through this
registry, so adding a layer never touches the serving code. Apps register their
layers in ``AppConfig.ready()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

PUBLIC = "public"  # anyone, e.g. the base map of the planner map and of offline packages
TENANT = "tenant"  # only signed-in people and API keys of the layer's municipality, and only its rows
PERMISSIONS = (PUBLIC, TENANT)


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

    def queryset(self, *, municipality=None) -> QuerySet:
        qs = self.model._default_manager.filter(self.current)
        if municipality is not None:
            key = self.tenant_field or "pk"
            qs = qs.filter(**{key: getattr(municipality, "pk", municipality)})
        return qs


_REGISTRY: dict[str, Layer] = {}


class UnknownLayer(LookupError):
    pass


def register(layer: Layer) -> Layer:
    existing = _REGISTRY.get(layer.name)
    if existing is not None and existing.model is not layer.model:
        raise ValueError(f"Layer name {layer.name!r} is already registered for {existing.model.__name__}.")
    _REGISTRY[layer.name] = layer
    return layer


def get_layer(name: str) -> Layer:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownLayer(name) from None


def all_layers() -> list[Layer]:
    return list(_REGISTRY.values())


def unregister(name: str) -> None:
    """Remove a layer (tests that register a layer of their own clean up with this)."""
    _REGISTRY.pop(name, None)
