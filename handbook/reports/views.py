"""The reports' home: one page answering "how are the organisations under us doing this month?"."""
