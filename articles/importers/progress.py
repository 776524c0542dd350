"""Output of the import commands: messages, and a progress line on a terminal."""

import shutil


class Reporter:
    """Writes ``path: message`` lines to stderr; on a terminal, also keeps a
    one-line progress indicator below them (never in a log file or a pipe)."""

    def __init__(self, stderr, *, total=0):
        self.stderr = stderr
        self.total = total
        self.done = 0
        self.tty = _isatty(stderr)
        self._shown = False

    def line(self, text):
        self._clear()
        self.stderr.write(text)

    def step(self, label):
        self.done += 1
        if not self.tty:
            return
        width = shutil.get_terminal_size((80, 20)).columns - 1
        text = f"[{self.done}/{self.total}] {label}"
        self.stderr.write("\r\x1b[K" + text[:width], ending="")
        self.stderr.flush()
        self._shown = True

    def finish(self):
        self._clear()

    def _clear(self):
        if self._shown:
            self.stderr.write("\r\x1b[K", ending="")
            self._shown = False


def _isatty(stream):
    target = getattr(stream, "_out", stream)  # Django's OutputWrapper
    try:
        return target.isatty()
    except (AttributeError, ValueError):
        return False
