"""The Textual names mproc-tui uses that Textual does not export, in one place, and why.

- ``FooterKey``: the footer's key widget. ``KeyFooter`` hides the keys that do not
  fit whole, which means reading each key's text and display (Textual's Footer has
  no public hook for it).
- ``HeaderIcon``: the header's ⭘ icon; the tests click it to open the command
  palette as a user would.

- ``Widget._scroll_update``: ``ui/widgets/growth.py`` gives a growing log pane or
  table its new size without laying out the screen, and updates the scrollbars the
  way Textual's layout would; ``test_scrollbars_come_with_the_lines_that_need_them``
  (``tests/app/test_log_pane.py``) checks that they follow.
- ``Strip.divide`` is replaced (``ui/strip_cycle.py``) by one that returns the same
  strips but does not cache a strip in itself; ``tests/ui/test_strip_cycle.py``
  compares the two.

A Textual upgrade that renames or reshapes them fails ``tests/app/test_footer.py``
and ``tests/app/test_every_action.py`` first. (psutil's one private name,
``_ppid_map``, is named with its reason and fallback in ``core/sampler.py``.)
"""

from __future__ import annotations

from textual.widgets._footer import FooterKey
from textual.widgets._header import HeaderIcon

__all__ = ["FooterKey", "HeaderIcon"]
