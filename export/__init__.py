"""Exports of the model for other tools: NetPyNE JSON (GUI) and SONATA."""
