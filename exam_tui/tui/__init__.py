"""The Textual layer: draws an ExamSession and turns key presses into calls on it."""
