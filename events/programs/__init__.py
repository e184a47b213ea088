"""Programs (summits, conferences, series): the schedule grid, the educator's own
schedule, the check-in desk and per-session attendance. ``selectors`` reads, ``services``
writes, ``views`` and ``urls`` serve them, ``checkin`` makes the QR check-in codes."""
