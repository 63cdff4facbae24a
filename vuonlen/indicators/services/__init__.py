"""Every write of the indicators room, in one place (issue 10 item 2), by entity:

- ``catalogue``: the catalogue (``indicator_define``, ``indicator_set_active``, administrator) and
  a phase's indicator set with its plan targets (``phase_set_save``, ``phase_set_copy``,
  ``phase_indicator_add``, the province secretariat and the administrator; the older
  ``phase_indicators_set``, the catalogue page's tick boxes);
- ``targets``: targets handed to units (``set_target``, ``save_targets``, ``clear_target``);
- ``entries``: the figures units enter (``enter_values``, ``enter_value``).

Each validates and reports every problem at once, checks the actor's right, writes, and calls
``core.audit.audit_record`` in the same transaction. Reads are in ``selectors``; the target grid
is built in ``targets`` (the module), the catalogue's checks are in ``definitions``.
"""

from .catalogue import (
                        DOCUMENT_MAX,
                        PhaseRow,
                        PhaseSetResult,
                        clean_phase_rows,
                        indicator_define,
                        indicator_set_active,
                        phase_indicator_add,
                        phase_indicators_set,
                        phase_set_copy,
                        phase_set_save,
                        phase_stale_message,
                        require_phase_manager,
)
from .entries import (
                        EntryInput,
                        EntryResult,
                        clean_entry,
                        enter_value,
                        enter_values,
                        is_blank,
                        require_enter,
                        stale_text,
)
from .targets import (
                        SaveResult,
                        Stale,
                        TargetInput,
                        clean_target,
                        clear_target,
                        require_target_right,
                        save_targets,
                        set_target,
)
from .targets import stale_message as target_stale_message

__all__ = ["indicator_define", "indicator_set_active", "phase_indicators_set", "require_phase_manager", "PhaseRow",
           "PhaseSetResult", "phase_set_save", "phase_set_copy", "phase_indicator_add", "phase_stale_message",
           "clean_phase_rows", "DOCUMENT_MAX", "Stale", "TargetInput", "SaveResult", "clean_target",
           "require_target_right", "target_stale_message", "set_target", "save_targets", "clear_target",
           "EntryInput", "EntryResult", "clean_entry", "is_blank", "require_enter", "stale_text", "enter_values",
           "enter_value"]
