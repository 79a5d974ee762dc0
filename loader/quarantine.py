"""Quarantine files: one CSV per batch listing every rejected row with its reason.

Values are masked before they reach this module; the file is safe to hand to a colleague.
The file is created only when the first rejected row arrives.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO

from loader.records import RejectedRow
from ringscope.i18n import translate
from ringscope.logging_setup import redact

COLUMNS = ("file", "line", "reason_code", "reason", "values")


class QuarantineWriter:
    """Append rejected rows of one input file to ``path``."""

    def __init__(self, path: Path, source: Path) -> None:
        self.path = path
        self.source = redact(source.name)
        self.rows_written = 0
        self._handle: IO[str] | None = None
        self._writer: csv.writer | None = None  # type: ignore[valid-type]

    def write(self, rows: list[RejectedRow]) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # utf-8-sig so that Excel, which most analysts open it with, shows Chinese text.
            self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(COLUMNS)
        assert self._writer is not None
        for row in rows:
            self._writer.writerow(
                (
                    self.source,
                    row.line,
                    row.reason_key,
                    translate(row.reason_key, **row.reason_params),
                    json.dumps(row.values, ensure_ascii=False, sort_keys=True),
                )
            )
        self.rows_written += len(rows)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
