"""Fixtures of the query and detection tests: the generator's default data set.

The data set is generated once per session (about a second). Loading it into Neo4j takes
far longer, so the modules that need it load it once per module (see test_generated.py).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from generator import generate_population

logger = logging.getLogger(__name__)

DEFAULT_SEED = 7


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default generated data set (seed 7, 400 applicants) in a session folder."""
    folder = tmp_path_factory.mktemp("generated") / "seed7"
    generate_population(folder, seed=DEFAULT_SEED)
    logger.info("generated default data set seed=%d", DEFAULT_SEED)
    return folder


@pytest.fixture(scope="session")
def truth(generated: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((generated / "truth.json").read_text(encoding="utf-8"))
    return data
