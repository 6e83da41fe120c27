"""What supervisors see (004 item 35 (7) 监督; 004 item 36; 004 廉政风险点): the overview of open,
overdue and on-time cases and of one-time notices (overview.py), the figures of its charts
(statistics.py), within the regions and filters of a scope (scope.py), the one definition of on
time (on_time.py), the cases behind each figure (behind.py) and unusual reading of personal data
by staff (unusual.py). Reads only, over
cases, applications, bookings and the audit log (README.md)."""
