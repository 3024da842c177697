"""A watched program's pipes and managers, for the primitives panel.

Beside ``mproc_tui_agent_sync.py`` (whose rows these are). A Pipe's row says which
process holds each end (the one that made it, until a process starts with an end
among its arguments) and how many messages each end sent; a process waiting in
``recv()`` waits on the pipe. A Manager's row says its server process and the
proxies made through it, until it shuts down. Only the program's own pipes and
managers get rows: a Queue's pipe, a Manager's own are multiprocessing's.
Standard library only.
"""

from __future__ import annotations

import struct
import time

import mproc_tui_agent_sync as sync  # type: ignore[import-not-found]  # beside this file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# A pipe's row: the holder field is end 1's process, the count field end 2's; the
# contents field counts the messages each end sent (each end's process writes its own).
NUMBER = struct.Struct("<i")
ENDS_AT = (8, 12)  # end 1's process, end 2's: the holder and count fields
SENT_AT = (64, 68)  # the messages end 1 sent, end 2


def _end_at(number: int, end: int) -> int:
    return int(sync._at(number)) + ENDS_AT[end - 1]


def _mark_end(connection: Any, number: int, end: int) -> None:
    """This end is one of a watched pipe's: count what it sends, wait in its recv()."""
    connection._mproc_tui_number, connection._mproc_tui_end = number, end
    send, recv = connection.send, connection.recv
    sent_at = sync._at(number) + SENT_AT[end - 1]

    def counted_send(obj: Any) -> None:
        send(obj)
        if sync._map is not None:
            (sent,) = NUMBER.unpack_from(sync._map, sent_at)
            NUMBER.pack_into(sync._map, sent_at, sent + 1)

    def waited_recv() -> Any:
        marked = sync._map is not None and sync._waiting(number)
        try:
            return recv()
        finally:
            if marked:
                sync._done_waiting()

    connection.send, connection.recv = counted_send, waited_recv


def note_ends(process: Any) -> None:
    """In a process as it starts: the pipe ends among its arguments are now its."""
    if sync._map is None:
        return
    for argument in (*process._args, *process._kwargs.values()):
        items = argument if isinstance(argument, (list, tuple)) else (argument,)
        for item in items:
            end = getattr(item, "_mproc_tui_end", 0)  # (a lock has a number, not an end)
            if end:
                NUMBER.pack_into(sync._map, _end_at(item._mproc_tui_number, end), sync._pid)


def patch_connection(connection: Any) -> None:
    """The program's Pipes get rows; their ends carry the row along when sent."""
    if not sync.first_patch(connection):
        return
    make_pipe = connection.Pipe

    def Pipe(duplex: bool = True) -> Any:
        first, second = make_pipe(duplex)
        number = sync._made(sync.PIPE)
        if number:
            sync.HOLD.pack_into(sync._map, sync._at(number) + 8, sync._pid, sync._pid, time.time())
            _mark_end(first, number, 1)
            _mark_end(second, number, 2)
        return first, second

    connection.Pipe = Pipe
    from multiprocessing import reduction

    reducers = reduction.ForkingPickler._extra_reducers  # type: ignore[attr-defined]
    reduce = reducers.get(connection.Connection)
    if reduce is not None:  # (sent to a spawn or forkserver child: its number goes along)
        reducers[connection.Connection] = _carrying(reduce)


def _carrying(reduce: Any) -> Any:
    def reduce_end(connection: Any) -> Any:
        rebuild, arguments = reduce(connection)
        number = getattr(connection, "_mproc_tui_number", 0)
        if not number:
            return rebuild, arguments
        return _rebuilt_end, (rebuild, arguments, number, connection._mproc_tui_end)

    return reduce_end


def _rebuilt_end(rebuild: Any, arguments: Any, number: int, end: int) -> Any:
    """A pipe's end in the process it was sent to: the same row, counted and waited on."""
    sync._open()
    connection = rebuild(*arguments)
    _mark_end(connection, number, end)
    return connection


# -- managers -------------------------------------------------------------------------------


def patch_managers(managers: Any) -> None:
    """A Manager's row: its server process, the proxies made through it, until shut down."""
    if not sync.first_patch(managers):
        return
    base = managers.BaseManager
    start, create = base.start, base._create

    def patched_start(self: Any, *args: Any, **kwargs: Any) -> None:
        start(self, *args, **kwargs)
        number = self._mproc_tui_number = sync._made(sync.MANAGER, own=True)
        self._mproc_tui_proxies = []
        if not number:
            return
        sync.HOLD.pack_into(sync._map, sync._at(number) + 8, self._process.pid, 0, time.time())
        shutdown = self.shutdown

        def noted_shutdown() -> None:
            shutdown()
            NUMBER.pack_into(sync._map, sync._at(number) + 8, 0)  # no server: its proxies stay

        self.shutdown = noted_shutdown

    def patched_create(self: Any, typeid: str, *args: Any, **kwargs: Any) -> Any:
        made = create(self, typeid, *args, **kwargs)
        number = getattr(self, "_mproc_tui_number", 0)
        if number and sync._map is not None:
            self._mproc_tui_proxies.append(typeid)
            proxies = self._mproc_tui_proxies
            sync.COUNT.pack_into(sync._map, sync._at(number) + 12, len(proxies))
            text = ", ".join(proxies)
            text = text if len(text) <= 48 else text[:45] + "..."
            sync.CONTENTS.pack_into(sync._map, sync._at(number) + 64, text.encode()[:48])
        return made

    base.start, base._create = patched_start, patched_create
