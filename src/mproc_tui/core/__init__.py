"""Process supervision, log transport and sampling: plain Python, no Textual.

Everything here can be used and tested without a terminal; the ``mproc_tui.ui``
package only renders what this package produces.
"""
