"""The read API of the GCM results framework and indicator data (`/api/v1/`)."""
