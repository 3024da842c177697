"""Turn ``package.module:function`` or ``path/to/file.py:function`` into a callable."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any, cast

MAIN_MODULE = "__mp_main__"  # what multiprocessing calls a script loaded in a child


class TargetError(ValueError):
    """A target that cannot be found or called; the message is meant for the user."""


def split_reference(reference: str) -> tuple[str, str]:
    """Split ``where:function``; a missing colon or name is a user error."""
    where, separator, attribute = reference.rpartition(":")
    if not separator or not where or not attribute:
        raise TargetError(
            f"target {reference!r} must look like package.module:function, "
            "path/to/file.py:function, or a built-in name (sleeper, flood, crasher, …)"
        )
    return where, attribute


def resolve_reference(reference: str) -> str:
    """A built-in's bare name (``flood``) means ``mproc_tui.catalog:flood``."""
    from mproc_tui.catalog import BUILT_INS

    name = reference.strip()
    if ":" not in name and name in BUILT_INS:
        return f"mproc_tui.catalog:{name}"
    split_reference(name)  # a readable error for anything else without a colon
    return name


def absolute_reference(reference: str) -> str:
    """Make a file reference absolute so it means the same in every start method."""
    where, attribute = split_reference(reference)
    if where.endswith(".py"):
        return f"{os.path.abspath(where)}:{attribute}"
    return reference


def load_target(reference: str) -> Callable[..., Any]:
    """Import the module (or load the file) and return the named callable."""
    where, attribute = split_reference(reference)
    try:
        module = _load_file(where) if where.endswith(".py") else importlib.import_module(where)
    except TargetError:
        raise
    except ModuleNotFoundError as error:
        raise TargetError(f"cannot import {where!r}: {error}") from error
    except BaseException as error:  # user code at import time may raise anything
        raise TargetError(f"importing {where!r} raised {type(error).__name__}: {error}") from error
    try:
        target = getattr(module, attribute)
    except AttributeError:
        raise TargetError(f"{where} has no attribute {attribute!r}") from None
    if not callable(target):
        raise TargetError(f"{where}:{attribute} is not callable")
    return cast("Callable[..., Any]", target)


def _load_file(path: str) -> Any:
    """Load the file as the worker's main module, as ``python path/to/file.py`` would,
    but under ``__mp_main__``: its ``if __name__ == "__main__"`` block does not run,
    and the processes it starts (a Pool, under any start method) load it the way
    multiprocessing loads a script's, so what it sends them unpickles there."""
    if not os.path.isfile(path):
        raise TargetError(f"file {path!r} does not exist")
    path = os.path.abspath(path)
    existing = sys.modules.get(MAIN_MODULE)
    if existing is not None and getattr(existing, "__file__", None) == path:
        return existing
    spec = importlib.util.spec_from_file_location(MAIN_MODULE, path)
    if spec is None or spec.loader is None:
        raise TargetError(f"cannot load {path!r} as Python")
    module = importlib.util.module_from_spec(spec)
    module.__spec__ = None  # as a script's: children then load it from its path
    sys.modules["__main__"] = sys.modules[MAIN_MODULE] = module
    spec.loader.exec_module(module)
    return module
