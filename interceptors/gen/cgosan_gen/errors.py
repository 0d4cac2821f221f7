"""errors.py — the one error type of cgosan-gen: a message with the place in
the user's input (file:line) it is about, printed as `FILE:LINE: error: ...`
and turned into a non-zero exit status by the command line (cli.py)."""


class GenError(Exception):
    def __init__(self, message, path=None, line=None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self):
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}error: {self.message}"
