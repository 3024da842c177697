"""A user module that fails while being imported."""

raise RuntimeError("this module refuses to be imported")
