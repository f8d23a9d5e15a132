"""Django system checks for the app (fonts for the PDF record)."""
