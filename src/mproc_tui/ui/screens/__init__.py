"""Modal screens: quit confirmation and help."""
