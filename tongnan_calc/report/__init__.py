"""Renderers of a run's result: terminal (rich), payout and comparison workbooks (xlsxwriter), JSON, explain."""
