"""The errors examdesk reports to people. The command line turns each into a message and an
exit code in one place (``examdesk.cli.common``); nothing below it prints or exits."""

from __future__ import annotations


class ExamdeskError(Exception):
    """Something the person running examdesk must fix; the message says what and where."""

    exit_code = 2
    kind = "error"


class ConfigurationError(ExamdeskError):
    """A setting, the checklist, a school year or month, or an argument that cannot be used."""

    kind = "configuration"


class InputDataError(ExamdeskError):
    """Input tables, records or returned files that cannot be read as a whole."""

    kind = "input data"


class TemplateError(ExamdeskError):
    """A Word or email template, a PDF form or its field map that cannot produce a document."""

    kind = "template"


class DeliveryError(ExamdeskError):
    """A message was not delivered. ``temporary``: worth retrying later; ``maybe_delivered``:
    the server may have it (never resent automatically); ``connection_failed``: could not
    (re)connect, so later messages would fail too."""

    kind = "delivery"

    def __init__(
        self, message: str, *, temporary: bool = False, maybe_delivered: bool = False, connection_failed: bool = False
    ):
        super().__init__(message)
        self.temporary = temporary
        self.maybe_delivered = maybe_delivered
        self.connection_failed = connection_failed
