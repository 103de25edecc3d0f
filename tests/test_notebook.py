"""The waterbed notebook runs headless from top to bottom and ends with the results table."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "waterbed_eu_turkey_2016.ipynb"


@pytest.fixture(scope="module")
def executed(built_warehouse):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent.parent)}}).execute()
    return nb


def outputs(nb) -> str:
    text = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text.append(out.get("text", "") or out.get("data", {}).get("text/plain", ""))
    return "\n".join(text)


def test_notebook_runs_and_reports_the_published_checks(executed):
    text = outputs(executed)
    assert "Four main routes, 2009–2020: 95.20 % of detections" in text
    assert "Eastern Mediterranean, Q2 vs Q1 2016: -94.28 %" in text


def test_notebook_ends_with_the_results_table(executed):
    table = executed.cells[-3]["outputs"][0]["data"]["text/plain"]
    assert "EU–Turkey Statement → EMR" in table and "-0.067" in table
    assert "Italy–Libya memorandum → CMR" in table
