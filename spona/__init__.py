"""Spona: the local response to human trafficking, for Serbian municipalities and the Centre."""
