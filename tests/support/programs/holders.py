"""A Value two workers add to, an Array they fill, a Queue they put in: what each holds;
and a Barrier for three, aborted."""

import multiprocessing
import sys


def add(total, squares, queue, slots):
    for _ in range(1000):
        with total.get_lock():
            total.value += 1
    for slot in slots:
        squares[slot] = slot * slot
    queue.put(slots)


if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1] if len(sys.argv) > 1 else "fork")
    total = context.Value("i", 0)
    squares = context.Array("i", 4)
    queue = context.Queue()
    workers = [
        context.Process(target=add, args=(total, squares, queue, slots))
        for slots in ((0, 1), (2, 3))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    barrier = context.Barrier(3)
    barrier.abort()
