from tests.permits.conftest import (  # noqa: F401 (fixtures)
    designer,
    engineer,
    office,
    owner,
    plot,
    r1,
    town,
)
