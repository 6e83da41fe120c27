"""What every PDF the service prints shares: the A4 layout with its bilingual header, rows,
tables, check boxes, notes and footer (layout.py), the CJK font (fonts.py), QR codes and
barcodes. It takes words and values, never an application or a case: the documents themselves,
which read those, are in paperwork/ (docs/documents.md).
"""
