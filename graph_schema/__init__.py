"""The graph model (labels, relationship types, keys) and its versioned migrations."""
