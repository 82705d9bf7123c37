"""The core's people: the tenant (municipality), staff and their roles, other systems' keys, and parties."""

from accounts.models.keys import ApiKey, Scope
from accounts.models.municipality import Municipality
from accounts.models.parties import (
    IdKind,
    Organisation,
    OrganisationKind,
    Party,
    PartyKind,
    Person,
    Representation,
    RepresentationKind,
)
from accounts.models.people import Membership, Role

__all__ = [
    "ApiKey",
    "IdKind",
    "Membership",
    "Municipality",
    "Organisation",
    "OrganisationKind",
    "Party",
    "PartyKind",
    "Person",
    "Representation",
    "RepresentationKind",
    "Role",
    "Scope",
]
