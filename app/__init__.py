"""TreatyQA: questions about treaty declarations, reservations and status, answered with citations."""
