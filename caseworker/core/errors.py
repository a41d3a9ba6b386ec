"""What can go wrong, said so that a person understands it.

Each error keeps its untranslated message and its values; the text is translated when it is
shown, in the language chosen then.
"""

from __future__ import annotations

from caseworker.core.i18n import N_, _, fill


class CaseworkerError(Exception):
    """An expected failure with a message for the person using the app."""

    #: exit code of the command line: 1 unexpected, 2 bad input, 3 wrong user or password
    exit_code = 1
    template = N_("Something went wrong.")

    def __init__(self, template: str | None = None, **values: object) -> None:
        if template is not None:
            self.template = template
        self.values = values
        super().__init__(self.template)

    @property
    def message(self) -> str:
        return fill(_(self.template), **self.values)

    def __str__(self) -> str:
        return self.message


class BadInput(CaseworkerError):
    exit_code = 2


class WrongPassword(CaseworkerError):
    exit_code = 3
    template = N_("Wrong user name or password.")


class AccountDisabled(CaseworkerError):
    exit_code = 3
    template = N_("This account is disabled. Ask a coordinator to enable it.")


class NotSetUp(BadInput):
    template = N_("No organisation is set up in {folder}. Start the app to set one up, or run 'caseworker demo'.")


class AlreadySetUp(BadInput):
    template = N_("An organisation is already set up in {folder}.")


class DamagedStore(CaseworkerError):
    template = N_("The case file store {file} cannot be read: it is damaged or is not a Caseworker file. Nothing was changed. Restore it from a backup.")


class StoreDamagedNoWrites(CaseworkerError):
    template = N_("The case files are damaged ({reason}), so nothing more is saved to them; what you entered is still in the form. Restore the latest sound backup.")


class NewerStore(CaseworkerError):
    template = N_("The case file store {file} was written by a newer version of Caseworker. Install that version or a later one to open it; nothing was changed.")


class ReadOnlyDataDir(BadInput):
    template = N_("Caseworker cannot write to the data folder {folder}. Choose a folder you can write to, or ask for write access; nothing was changed.")


class FolderNotWritable(ReadOnlyDataDir):
    """A document or export aimed at a folder that is not the data folder (a USB stick, Documents)."""

    template = N_("Caseworker cannot write to the folder {folder}: it does not exist, or you may not write there. Choose another folder; nothing was written.")


class DiskFull(CaseworkerError):
    template = N_("The disk is full. Nothing was saved; free some space and try again.")


class ChangedElsewhere(CaseworkerError):
    template = N_("This case was changed by someone else after you opened it. Your changes were not saved; close the case and open it again.")


class Cancelled(CaseworkerError):
    template = N_("Cancelled; nothing was changed.")


class NotFound(BadInput):
    template = N_("The case was not found.")


class InvalidDate(BadInput):
    template = N_("{text} is not a date that exists.")


class Problem:
    """One thing wrong with a form or a file: where, and what."""

    __slots__ = ("where", "template", "values")

    def __init__(self, where: str, template: str, **values: object) -> None:
        self.where = where
        self.template = template
        self.values = values

    @property
    def message(self) -> str:
        return fill(_(self.template), **self.values)

    def __repr__(self) -> str:
        return f"Problem({self.where!r}, {self.message!r})"


class ValidationFailed(BadInput):
    """Several problems at once; the message lists each on its own line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    @property
    def message(self) -> str:
        return "\n".join(p.message for p in self.problems)
