"""Coverage-guided fuzzing of the call-record readers with atheris (libFuzzer).

Run as a script; tests/fuzz/test_fuzz_atheris.py runs it for a bounded number of inputs:

    python tests/fuzz/atheris_readers.py -runs=2000 -seed=1

The first input byte chooses the file suffix, the rest is the file. An input passes when
open_calls and its chunks either raise InputFileError or account for every row. Any other
exception is a finding: libFuzzer prints the traceback and writes the input to crash-*.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["loader"]):
    from loader.readers import open_calls

from ringscope.errors import InputFileError

SUFFIXES = (".csv", ".xls", ".xlsx", ".json", ".parquet", ".txt")
_FOLDER = Path(tempfile.mkdtemp(prefix="ringscope-atheris-"))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    path = _FOLDER / ("input" + SUFFIXES[data[0] % len(SUFFIXES)])
    path.write_bytes(data[1:])
    try:
        _, chunks = open_calls(path, chunk_rows=5)
        for chunk in chunks:
            if chunk.rows_read != len(chunk.calls) + len(chunk.rejected):
                raise AssertionError("a chunk lost rows")
    except InputFileError:
        return


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
