"""What a watched program's queues, values and arrays hold, for the primitives panel.

Beside ``mproc_tui_agent_sync.py`` (whose rows these are): a Queue's size after each
put and get (a get that waits is a wait on the queue), a Value's value and an
Array's first items after each change through them. Standard library only.
"""

from __future__ import annotations

import mproc_tui_agent_sync as sync  # type: ignore[import-not-found]  # beside this file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _note_contents(number: int, contents: Any) -> None:
    if number and sync._map is not None:
        text = repr(contents)
        if len(text) > 48:
            text = text[:45] + "..."
        sync.CONTENTS.pack_into(
            sync._map, sync._at(number) + 64, text.encode("utf-8", "replace")[:48]
        )


def _note_size(queue: Any) -> None:
    number = getattr(queue, "_mproc_tui_number", 0)
    if number and sync._map is not None:
        try:
            size = queue.qsize()
        except (NotImplementedError, OSError, ValueError):
            return
        sync.COUNT.pack_into(sync._map, sync._at(number) + 12, size)


def patch_queues(queues: Any) -> None:
    """A Queue's size after each put and get (a JoinableQueue's too)."""
    if not sync.first_patch(queues):
        return
    cls = queues.Queue
    init, put, get = cls.__init__, cls.put, cls.get

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        self._mproc_tui_number = sync._made(sync.QUEUE)
        init(self, *args, **kwargs)

    def patched_put(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = put(self, *args, **kwargs)
        _note_size(self)
        return result

    def patched_get(self: Any, *args: Any, **kwargs: Any) -> Any:
        marked = sync._waiting(getattr(self, "_mproc_tui_number", 0) or 0) if sync._map else False
        try:
            item = get(self, *args, **kwargs)
        finally:
            if marked:
                sync._done_waiting()
        _note_size(self)
        return item

    cls.__init__, cls.put, cls.get = __init__, patched_put, patched_get
    sync.carry_number(cls)


_synchronized: Any = None  # sharedctypes.synchronized as multiprocessing made it


def patch_sharedctypes(sharedctypes: Any) -> None:
    """A Value's value and an Array's first items, after each change through its wrapper."""
    global _synchronized
    if not sync.first_patch(sharedctypes):
        return
    synchronized = _synchronized = sharedctypes.synchronized

    def watched(obj: Any, lock: Any = None, ctx: Any = None) -> Any:
        wrapper = synchronized(obj, lock, ctx)
        if not hasattr(wrapper, "_mproc_tui_number"):
            array = isinstance(wrapper, sharedctypes.SynchronizedArray)
            wrapper._mproc_tui_number = sync._made(sync.ARRAY if array else sync.VALUE, own=True)
            _note(wrapper)
        return wrapper

    sharedctypes.synchronized = watched
    value = sharedctypes.Synchronized.value

    def set_value(self: Any, new: Any) -> None:
        value.fset(self, new)
        _note_contents(getattr(self, "_mproc_tui_number", 0), new)

    sharedctypes.Synchronized.value = property(value.fget, set_value)
    array_class = sharedctypes.SynchronizedArray
    set_item = array_class.__setitem__

    def __setitem__(self: Any, index: Any, new: Any) -> None:
        set_item(self, index, new)
        _note(self)

    array_class.__setitem__ = __setitem__
    reduce = sharedctypes.SynchronizedBase.__reduce__

    def __reduce__(self: Any) -> Any:
        arguments = reduce(self)[1]
        return _rebuilt, (arguments, getattr(self, "_mproc_tui_number", 0))

    sharedctypes.SynchronizedBase.__reduce__ = __reduce__


def _rebuilt(arguments: Any, number: int) -> Any:
    """A Value or Array in the process it was sent to: the same row as where it was made."""
    import multiprocessing.sharedctypes as sharedctypes  # (patched as it is imported)

    wrapper = (_synchronized or sharedctypes.synchronized)(*arguments)
    wrapper._mproc_tui_number = number
    return wrapper


def _note(wrapper: Any) -> None:
    number = getattr(wrapper, "_mproc_tui_number", 0)
    if not number:
        return
    try:
        obj = wrapper.get_obj()
        contents = obj.value if hasattr(obj, "value") else list(obj[:8])
    except Exception:  # a type without a readable value: say nothing of it
        return
    _note_contents(number, contents)
