"""Spanish as written in Arizona and the US Southwest (FORMAT_MODULE_PATH): dates in
Spanish word order, 12-hour times like the English pages, and the decimal point (as in
Mexico and the US), so "2.5 horas" reads the same as on a certificate in English.
Anything not set here comes from Django's own Spanish formats."""

DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i A"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y g:i A"
FIRST_DAY_OF_WEEK = 0  # Sunday, as on US school calendars
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
