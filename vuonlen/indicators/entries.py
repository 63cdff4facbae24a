"""The figures units enter themselves, for the indicators no other record can give
(``Source.ENTERED``): "the commune issued its plan this year" (yes/no), or a numerator and a
denominator.

Where a figure is entered: a yes/no is answered by each commune (the district's rate counts
every commune, answered or not: ``sources``); a value indicator by the lowest level it is set
at (at most the commune), so that a district's figure is always the sum of its communes' and
nothing is counted twice.

The writes (``enter_values``, ``enter_value``) are in ``services``, the reads
(``entered_indicators``, ``entry_level``, ``may_enter``) in ``selectors``; the entry form is
built in ``forms.EntryForm`` / ``views_targets``. The names stay importable from here for older
code.
"""

from .selectors import entered_indicators, entry_level, may_enter  # noqa: F401
from .services.entries import (  # noqa: F401
                               MAX_COUNT,
                               EntryInput,
                               EntryResult,
                               clean_entry,
                               enter_value,
                               enter_values,
                               is_blank,
                               require_enter,
                               stale_text,
)
from .services.targets import Stale  # noqa: F401
