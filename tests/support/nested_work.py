"""A user's ``mywork.py``: a target file whose functions start processes of their own."""

import logging
import multiprocessing
import time

log = logging.getLogger("mywork")


def square(number):
    log.debug("squaring %d", number)
    return number * number


def pool_user(method):
    """A Pool inside the worker: what it sends its workers must unpickle there."""
    with multiprocessing.get_context(method).Pool(2) as pool:
        log.info("squares %s", pool.map(square, range(6)))


def child(seconds):
    log.debug("child start")
    time.sleep(seconds)
    log.debug("child end")
    print("child printed at the end", flush=True)


def spawn_and_return(seconds, method):
    """Processes that outlive the target's return: Python waits for them at exit."""
    context = multiprocessing.get_context(method)
    for number in (1, 2):
        context.Process(target=child, args=(seconds,), name=f"kid-{number}").start()
    log.info("returning")
