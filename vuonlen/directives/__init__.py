"""Directives: the register of steering documents, the tasks they assign, the assignees'
updates, carry-over of unfinished tasks into the next notice, and the draft notice (.docx)."""
