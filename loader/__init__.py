"""Readers for call-record exports and loan-system extracts, and the batched writer."""
