"""The registers' refusals: the shared ones of every domain app (``common.errors``)."""

from common.errors import ConflictError, RegisterError, TopologyError

__all__ = ["ConflictError", "RegisterError", "TopologyError"]
