"""A Pipe between two processes, and a Manager whose dict a third one changes."""

import multiprocessing
import sys


def ping(end):
    for number in range(3):
        end.send(number)
        end.recv()
    end.send(None)


def pong(end):
    while (number := end.recv()) is not None:
        end.send(number * number)


def record(scores):
    scores["recorder"] = 1


if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1] if len(sys.argv) > 1 else "fork")
    left, right = context.Pipe()
    workers = [
        context.Process(name="ping", target=ping, args=(left,)),
        context.Process(name="pong", target=pong, args=(right,)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with context.Manager() as manager:
        scores, seen = manager.dict(), manager.list()
        recorder = context.Process(name="recorder", target=record, args=(scores,))
        recorder.start()
        recorder.join()
        assert scores["recorder"] == 1
