from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
# ../shared/data from the project root; a git worktree sits one level deeper (wt/<name>), so look there too.
_CANDIDATES = [_ROOT.parent / "shared" / "data", _ROOT.parent.parent / "shared" / "data"]


@pytest.fixture
def shared_data() -> Path:
    for path in _CANDIDATES:
        if path.is_dir():
            return path
    pytest.skip(f"reference data not found at {_CANDIDATES[0]} (../shared/data is absent on this machine)")
