"""A process that starts another, and a subprocess beside them: the tree mproc-tui shows."""

import subprocess
import sys
import time
from multiprocessing import Process


def inner():
    time.sleep(60)


def outer():
    child = Process(target=inner, name="inner")
    child.start()
    child.join()


if __name__ == "__main__":
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    process = Process(target=outer, name="outer")
    process.start()
    process.join()
    helper.wait()
