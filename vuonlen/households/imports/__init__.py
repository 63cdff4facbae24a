"""Excel import of households with their members, and of a year's review results.

Both imports read the whole file, check every row, and report every problem at once (the
row as the spreadsheet numbers it, the column by its header, a Vietnamese message). Nothing
is written unless the whole file is clean; then everything is written in one transaction,
with one audit row per record created and one IMPORT row for the file.

Re-importing a file changes nothing: a household (or a review) already in the registry with
the same data is recognised and counted as "không có thay đổi". Different data for a code
already in the registry is *not* an update:

* households: an error naming what differs. Members come and go with a reason and a date
  (birth, marriage, moving), which a list of names cannot say; those changes are made on the
  household's page.
* reviews: the same rule as ``services.review_record`` — a review of that year that is not
  yet recognised is superseded by the new one (kept, no longer current); a recognised one is
  frozen, so the row is an error (corrections need a reason, on the household's page).

The household file has one row per person (see ``docs/imports.md``): "Mã hộ" groups the rows
of a household, which sit together; the household's own columns (commune, village, area,
phone, address, notes) are read from the first row that has them, and later rows may leave
them blank (or merged) or repeat them unchanged.

Rows are checked with ``validation`` (the rules of the forms), and the registry is read in
a handful of set-wise queries whatever the file's size: no query per row.

The package, by entity: ``households`` (the household file with its members), ``reviews`` (a
year's review results), and ``common`` (what both share). Import from the package.
"""

from vuonlen.core import spreadsheets
from vuonlen.core.spreadsheets import Column, FileRejected, FileUnreadable, RowError, errors_xlsx

from .common import MAX_ROWS, NOT_FOUND_COMMUNE, ImportResult, Phase, Progress, _Reporter
from .households import HOUSEHOLD_COLUMNS, HOUSEHOLD_TEMPLATE_COLUMNS, H, import_households
from .reviews import R, import_reviews, review_columns_for

__all__ = ["Column", "FileRejected", "FileUnreadable", "RowError", "errors_xlsx", "spreadsheets", "MAX_ROWS",
           "NOT_FOUND_COMMUNE", "ImportResult", "Phase", "Progress", "_Reporter", "HOUSEHOLD_COLUMNS",
           "HOUSEHOLD_TEMPLATE_COLUMNS", "H", "import_households", "R", "import_reviews", "review_columns_for"]
