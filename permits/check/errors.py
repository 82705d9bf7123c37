"""The check's refusal of bad input: what is wrong and where (a JSON path into the input)."""

from __future__ import annotations

from common.errors import RegisterError


class CheckInputError(RegisterError):
    """Bad input to the check (an invalid or misplaced footprint, a missing or contradictory rule): 400/422
    with ``code`` and ``where`` (e.g. ``proposal.floors[1].footprint``)."""

    def __init__(self, message: str, *, code: str, where: str):
        super().__init__(message, code=code)
        self.where = where
