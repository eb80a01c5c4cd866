"""The read API of pledges, updates, cycles and reports (`/api/v1/`): public data only."""
