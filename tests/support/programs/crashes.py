import logging

logging.basicConfig()
log = logging.getLogger("crash")
try:
    {}["missing"]
except KeyError:
    log.exception("lookup failed")
raise SystemExit(RuntimeError("the program gave up"))
