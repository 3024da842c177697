"""Turn ``package.module:function`` or ``path/to/file.py:function`` into a callable."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any, cast


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
    if not os.path.isfile(path):
        raise TargetError(f"file {path!r} does not exist")
    module_name = "mproc_tui_target_" + os.path.splitext(os.path.basename(path))[0]
    existing = sys.modules.get(module_name)
    if existing is not None and getattr(existing, "__file__", None) == os.path.abspath(path):
        return existing
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise TargetError(f"cannot load {path!r} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
