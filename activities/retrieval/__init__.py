"""Hybrid retrieval over the clinic knowledge base: BM25 and MiniLM vectors fused by RRF."""
