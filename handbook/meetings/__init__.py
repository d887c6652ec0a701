"""Cell meetings: schedules, the monthly series, attendance, minutes, votes, the calendar feed."""
