"""What officers read, shaped for the terminal, JSON, CSV, XLSX and the dashboard. Every word and
label people see lives in `words`."""
