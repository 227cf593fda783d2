"""Tiny protocols shared by every layer (cancellation and progress); imports nothing else."""
