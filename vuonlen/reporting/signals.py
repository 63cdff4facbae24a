"""Signals other rooms may listen to without the reporting room knowing them.

``report_accepted(sender=Submission, submission, actor, at)``: sent inside the transaction that
accepts a report (one by one or in bulk), after the report is saved. A receiver that raises
undoes the acceptance. Directives use it to close the tasks the report fulfils.
"""

from django.dispatch import Signal

report_accepted = Signal()
