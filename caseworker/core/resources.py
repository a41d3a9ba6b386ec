"""Where the shipped resources and catalogs are, in a checkout, a wheel or the frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _locate(name: str) -> Path:
    # A wheel and the frozen build carry the folder inside the package; a checkout (and an
    # editable install) has it at the top of the repository, beside the package.
    candidates = [_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / "caseworker" / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name!r} folder is missing from this installation")


def resources_dir() -> Path:
    return _locate("resources")


def translations_dir() -> Path:
    return _locate("translations")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
