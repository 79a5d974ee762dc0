"""The REST API that loan systems and investigators call (FastAPI)."""
