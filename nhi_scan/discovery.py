"""Fill registries by importing every module of a package: adding a module is the whole change."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType


def iter_modules(package_name: str) -> Iterator[ModuleType]:
    """Import and yield each non-private submodule of ``package_name``, sorted by name."""
    package = importlib.import_module(package_name)
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_"))
    for name in names:
        yield importlib.import_module(f"{package_name}.{name}")
