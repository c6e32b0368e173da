"""Turn treaty source documents into citable records and keep them in a Chroma store."""
