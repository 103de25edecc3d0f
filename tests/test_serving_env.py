"""The benchmark serves the app in the environment `make run` does (Makefile SERVE_ENV)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_benchmark_serves_with_the_makefile_s_environment():
    from benchmarks import serving

    line = re.search(r"^SERVE_ENV := (.+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert dict(kv.split("=") for kv in line.split()) == serving.SERVE_ENV
    assert serving.SERVE_ENV == {"MALLOC_ARENA_MAX": "2", "ARROW_DEFAULT_MEMORY_POOL": "system"}
