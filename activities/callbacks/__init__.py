"""Scheduled callbacks and appointment reminders: the rows and notifications they write."""
