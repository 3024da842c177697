"""Two workers take two locks in opposite order: each holds one and waits for the other.

A barrier makes sure both hold their first lock before either reaches for the second,
however slowly the second worker starts."""

import multiprocessing
import sys


def first(a, b, both):
    with a:
        both.wait()
        with b:
            pass


def second(a, b, both):
    with b:
        both.wait()
        with a:
            pass


if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1] if len(sys.argv) > 1 else "fork")
    a, b, both = context.Lock(), context.Lock(), context.Barrier(2)
    workers = [
        context.Process(name="first", target=first, args=(a, b, both)),
        context.Process(name="second", target=second, args=(a, b, both)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
