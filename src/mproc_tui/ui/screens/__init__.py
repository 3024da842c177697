"""Modal screens, one per file: quit, help, the spawn form, signal, children, detail, export."""
