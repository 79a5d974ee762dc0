"""RingScope: fraud-ring investigation over consented call records stored in Neo4j."""

__version__ = "0.1.0"
