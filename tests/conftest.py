from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FRONTEX_2025 = SHARED_DATA / "frontex" / "ibc.xlsx"
FRONTEX_2018 = SHARED_DATA / "frontex" / "Detections_of_IBC_2018_07_06.xlsx"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"publisher files not found beside the project: {SHARED_DATA.name} "
                    "(expected ../shared/data)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def ibc_2025_bytes(shared_data) -> bytes:
    return FRONTEX_2025.read_bytes()


@pytest.fixture(scope="session")
def ibc_2018_bytes(shared_data) -> bytes:
    return FRONTEX_2018.read_bytes()


@pytest.fixture(scope="session")
def built_warehouse() -> Path:
    """data/warehouse.duckdb built from the committed staging files (no-op if current)."""
    from etl import build

    return build.build().path


@pytest.fixture
def rs():
    """Replayed HTTP answers (``responses``) for the fetch tests; no network."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def raw_dir(tmp_path):
    """An existing, empty raw store (the failure tests check it stays empty)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder
