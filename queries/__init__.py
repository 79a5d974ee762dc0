"""Named investigator queries, ring detection and linkage findings."""
