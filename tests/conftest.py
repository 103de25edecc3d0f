"""Fixtures shared by every test module.

The whole run reads and builds in a temporary data directory (``MIGFLOWS_DATA_DIR``, set
here before any project module is imported) holding a copy of the committed staging files:
no test writes into the working tree's ``data/``. Child processes (the app's rebuild, the
served app of the browser tests, the notebook kernel) inherit it.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED_STAGING = ROOT / "data" / "staging"
TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="migflows-test-data-"))
shutil.copytree(COMMITTED_STAGING, TEST_DATA_DIR / "staging")
os.environ["MIGFLOWS_DATA_DIR"] = str(TEST_DATA_DIR)
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


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(TEST_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The run's temporary data directory (``core.paths.DATA_DIR``)."""
    from core import paths

    assert paths.DATA_DIR == TEST_DATA_DIR, "core.paths was imported before conftest"
    return TEST_DATA_DIR


@pytest.fixture(scope="session")
def built_warehouse(data_dir) -> Path:
    """The temporary data directory's warehouse, built from the committed staging files
    (no-op if current)."""
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
