"""Wire-level SCPI emulators: a generic server plus one command table per instrument family."""
