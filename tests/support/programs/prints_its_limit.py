"""Prints its soft descriptor limit, a moment after it starts (mproc-tui sets it then)."""

import resource
import time

time.sleep(0.5)
print("soft limit", resource.getrlimit(resource.RLIMIT_NOFILE)[0])
