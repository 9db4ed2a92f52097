"""Screens and modal dialogs of the exam app."""
