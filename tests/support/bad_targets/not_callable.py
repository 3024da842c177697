"""A user module whose named attribute is not a function."""

work = 42
