"""Widgets of the exam screen: each draws one part of an ExamSession."""

from exam_tui.tui.widgets.detail import ItemDetail
from exam_tui.tui.widgets.flags import FlagsPanel, urgency_label
from exam_tui.tui.widgets.items import ItemTable
from exam_tui.tui.widgets.sections import SectionList
from exam_tui.tui.widgets.side_select import SideSelect

__all__ = ["FlagsPanel", "ItemDetail", "ItemTable", "SectionList", "SideSelect", "urgency_label"]
