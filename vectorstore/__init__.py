"""Embeddings and the Chroma-backed store: the only place that imports chromadb."""
