"""GCP input formats, one module each (found through the GCP provider plug-in)."""
