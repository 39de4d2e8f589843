"""The one base class of the project's domain errors.

A service refuses with a subclass of `DomainError` carrying `.message`: the sentence the user
reads (already translated) and whatever numbers the page needs as attributes. Views show
`exc.message`; nothing parses the exception's text.
"""


class DomainError(Exception):
    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message
