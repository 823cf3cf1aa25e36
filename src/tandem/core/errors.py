class DomainError(Exception):
    """A rule said no. The message is a full sentence that tells the user what to fix.

    ``field`` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
