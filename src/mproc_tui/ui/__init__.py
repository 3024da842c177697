"""The Textual layer: renders snapshots and log batches, posts messages, holds no process logic."""
