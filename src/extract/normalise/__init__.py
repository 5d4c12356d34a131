"""Normalisers: dates, owners, codes and RAG status, from printed words to contract values."""
