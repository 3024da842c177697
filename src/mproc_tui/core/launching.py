"""A worker about to start: its process, the log channel it writes to and its control line."""

from __future__ import annotations

import os
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from mproc_tui.core.bootstrap import WorkerLaunch
from mproc_tui.core.channel import LogChannel
from mproc_tui.core.channel_maker import Made, close_pair, make_pair
from mproc_tui.core.guardian import Guardian
from mproc_tui.core.process_control import new_worker_process
from mproc_tui.core.target_reference import absolute_reference
from mproc_tui.core.worker_control import ControlLine
from mproc_tui.core.worker_record import WorkerRecord
from mproc_tui.core.workers import WorkerSpec


@dataclass
class Launching:
    """What one start needs; the app's copies of the worker's ends go once it has its own."""

    process: BaseProcess
    channel: LogChannel
    control: ControlLine

    def started(self) -> None:
        self.channel.release_writer()
        self.control.release_reader()

    def abandon(self) -> None:
        """The start failed: nothing of it stays open."""
        self.channel.close()
        self.control.close()


def prepare_launch(
    context: BaseContext,
    worker_id: int,
    spec: WorkerSpec,
    level: int,
    stack_dir: str,
    inherited_fds: tuple[int, ...],
    made: Made | None = None,
    sync_path: str = "",
) -> Launching:
    """Everything for ``Process.start()``; raises ValueError (the target) or OSError.
    ``made``: its channel and control line, made ahead (``channel_maker.py``)."""
    channel, control = make_pair(context) if made is None else made
    channel.worker_id = worker_id
    try:
        launch = WorkerLaunch(
            worker_id=worker_id,
            target=absolute_reference(spec.target),
            args=tuple(spec.args),
            kwargs=dict(spec.kwargs),
            log_queue=channel.queue,
            level=level,
            app_pid=os.getpid(),
            inherited_fds=inherited_fds,
            stack_dir=stack_dir,
            sync_path=sync_path,
            control=control.reader,
        )
        process = new_worker_process(context, launch, spec.name, spec.daemon)
    except BaseException:
        close_pair((channel, control))
        raise
    return Launching(process, channel, control)


@dataclass
class PreparedStart:
    """A start with its id, name and channel settled, in the order asked: what is left
    (``Process.start()`` and the records of it) may overlap with the next one's."""

    worker_id: int
    spec: WorkerSpec
    again: WorkerRecord | None  # a new run of this worker, in its row
    method: str
    guardian: Guardian
    level: int
    launching: Launching
