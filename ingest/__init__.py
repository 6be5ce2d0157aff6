"""Turn report files into clean, structured text and token-bounded chunks (no storage)."""
