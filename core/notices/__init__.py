"""Notices (通知): what the portal tells a judicial office's officers, delivered from the
outbox's `office_notice` channel and read on the notices page."""
