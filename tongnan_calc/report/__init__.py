"""Renderers of a run's result: terminal (rich), payout workbook (openpyxl), JSON."""
