"""What the fuzz tests of the importers share: how many files each tries, and real files changed
byte by byte."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import strategies as st

#: Files each fuzz test tries: 150 in `make test`, 2,000 in `make stress`.
FUZZ_EXAMPLES = int(os.environ.get("CASEWORKER_FUZZ_EXAMPLES", "150"))


SOME_BYTES = st.binary(min_size=1, max_size=40)


def byte_edit(inserted: st.SearchStrategy[bytes] = SOME_BYTES) -> st.SearchStrategy[tuple[Any, ...]]:
    """One change to a file, at a place given as a fraction of its length: a bit pattern flipped,
    the rest cut off, bytes inserted, bytes deleted."""
    return st.one_of(
        st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
        st.tuples(st.just("cut"), st.floats(0, 1, exclude_max=True), st.just(0)),
        st.tuples(st.just("insert"), st.floats(0, 1), inserted),
        st.tuples(st.just("delete"), st.floats(0, 1, exclude_max=True), st.integers(1, 5000)),
    )


def edited(original: bytes, edits: list[tuple[Any, ...]]) -> bytes:
    """``original`` with the edits made in turn; ("replace", old, new) swaps the first ``old``."""
    data = bytearray(original)
    for kind, where, what in edits:
        if kind == "replace":
            data = bytearray(bytes(data).replace(where, what, 1))
            continue
        at = min(int(where * len(data)), max(len(data) - 1, 0))
        if kind == "flip" and data:
            data[at] ^= what
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = what
        elif kind == "delete":
            del data[at : at + what]
    return bytes(data)
