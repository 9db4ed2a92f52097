"""Widgets of the exam screen: each draws one part of an ExamSession.

The new-exam dialog's own widgets (``side_select``, ``checklist_select``) are imported from
their modules: `exam-tui new` with all its arguments never shows that dialog.
"""

from exam_tui.tui.widgets.detail import ItemDetail
from exam_tui.tui.widgets.flags import FlagsPanel, urgency_label
from exam_tui.tui.widgets.items import ItemTable
from exam_tui.tui.widgets.sections import SectionList

__all__ = ["FlagsPanel", "ItemDetail", "ItemTable", "SectionList", "urgency_label"]
