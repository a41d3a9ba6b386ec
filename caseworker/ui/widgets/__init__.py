"""Small widgets the case editor is built from, reusable on other screens."""

from caseworker.ui.widgets.dates import OptionalDateEdit, OptionalYearEdit, PartialDateEdit
from caseworker.ui.widgets.forms import ChoiceCombo, FormRows, heading, name_for_accessibility
from caseworker.ui.widgets.lists import (
    RAW_ROLE,
    RECORD_ROLE,
    Column,
    ListSection,
    RecordDialog,
    RecordTable,
    RecordTableModel,
)
from caseworker.ui.widgets.pickers import (
    CodePicker,
    CountryListEdit,
    CountryPicker,
    LanguagePicker,
    OccupationGroupPicker,
)

__all__ = [
    "RAW_ROLE",
    "RECORD_ROLE",
    "ChoiceCombo",
    "CodePicker",
    "Column",
    "CountryListEdit",
    "CountryPicker",
    "FormRows",
    "LanguagePicker",
    "ListSection",
    "OccupationGroupPicker",
    "OptionalDateEdit",
    "OptionalYearEdit",
    "PartialDateEdit",
    "RecordDialog",
    "RecordTable",
    "RecordTableModel",
    "heading",
    "name_for_accessibility",
]
