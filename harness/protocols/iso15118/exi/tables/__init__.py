"""Generated EXI grammar tables, one module per schema set."""
