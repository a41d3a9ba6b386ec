"""The open case: its file in the editor, and beside it the work with the person (pathways,
referrals, the timeline), as tabs.

Nobody sees it until a case is opened, and it is the heaviest part of the main window (ten
editor sections, their pickers, the pathway templates), so the main window builds it after it
has shown the case list, a slice at a time between other events (``WorkspaceBuilder``), or at
once when a case is opened before that is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from caseworker.core.i18n import _
from caseworker.core.pathways.templates import TemplateSet, load_templates
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.records import CaseFile, UserInfo
from caseworker.ui.case_editor import CaseEditor, PreparedSections
from caseworker.ui.pathways_panel import OpenDirectory, PathwaysPanel, ReferralsPanel, TimelinePanel

CASE_FILE, PATHWAYS, REFERRALS, TIMELINE = range(4)


class CaseWorkspace(QTabWidget):
    """The tabs of one open case. Pathways, referrals and the timeline are each saved as they
    happen, so they open only once the case file itself has been saved."""

    def __init__(self, signed_in: SignedIn, editor: CaseEditor, templates: TemplateSet,
                 open_directory: OpenDirectory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseTabs")
        self.templates = templates
        self.editor = editor
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveCase")
        self.discard_button = QPushButton(self)
        self.discard_button.setObjectName("discardChanges")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)
        editor_pane = QWidget(self)
        layout = QVBoxLayout(editor_pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(editor, 1)
        layout.addLayout(buttons)

        self.pathways = PathwaysPanel(signed_in, templates, self)
        self.referrals = ReferralsPanel(signed_in, open_directory, self)
        self.timeline = TimelinePanel(signed_in, self)
        for tab in (editor_pane, self.pathways, self.referrals, self.timeline):
            self.addTab(tab, "")
        self.retranslate()

    def show_case(self, case: CaseFile) -> None:
        self.editor.load(case)
        stored = case.id is not None
        for index in (PATHWAYS, REFERRALS, TIMELINE):
            self.setTabEnabled(index, stored)
        if not stored:
            self.setCurrentIndex(CASE_FILE)
        for panel in (self.pathways, self.referrals, self.timeline):
            panel.show_case(case if stored else None)

    def retranslate(self) -> None:
        self.save_button.setText(_("Save"))
        self.discard_button.setText(_("Discard changes"))
        for index, title in enumerate((_("Case file"), _("Pathways"), _("Referrals"), _("Timeline"))):
            self.setTabText(index, title)
        for panel in (self.editor, self.pathways, self.referrals, self.timeline):
            panel.retranslate()


class WorkspaceBuilder(QObject):
    """Builds a CaseWorkspace a slice at a time: the editor's sections one by one, the editor,
    the pathway templates, the panels. From the window's first paint on, it works for at most
    SLICE_S per turn of the event loop, so input and painting go on in between; ``finish``
    does what is left at once (a case is being opened)."""

    SLICE_S = 0.02

    def __init__(self, signed_in: SignedIn, caseworkers: Callable[[], Sequence[UserInfo]],
                 open_directory: OpenDirectory, built: Callable[[CaseWorkspace], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._signed_in = signed_in
        self._caseworkers = caseworkers
        self._open_directory = open_directory
        self._built = built
        self._parent = parent  # of the workspace
        self._steps = self._build()
        self.workspace: CaseWorkspace | None = None

    def start_after_painting(self, widget: QWidget) -> None:
        """Begin once ``widget`` has first painted: the window comes on screen before any slice."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._again()
        return False

    def finish(self) -> CaseWorkspace:
        while self.workspace is None:
            next(self._steps)
        return self.workspace

    def _again(self) -> None:
        # A timer, not a queued call: queued calls run before the input and paint events waiting.
        QTimer.singleShot(1, self, self._slice)

    def _slice(self) -> None:
        began = time.perf_counter()
        while self.workspace is None and time.perf_counter() - began < self.SLICE_S:
            next(self._steps)
        if self.workspace is None:
            self._again()

    def _build(self) -> Iterator[None]:
        prepared = PreparedSections(self._caseworkers())
        while not prepared.complete:
            prepared.make_next()
            yield
        # Made without a parent; the workspace's layout takes it in, so it never shows alone.
        editor = CaseEditor(self._caseworkers(), prepared=prepared)
        editor.setObjectName("caseEditor")
        yield
        templates = load_templates(self._signed_in.data_dir.pathways)
        yield
        self.workspace = CaseWorkspace(self._signed_in, editor, templates, self._open_directory, self._parent)
        self._built(self.workspace)
        yield
