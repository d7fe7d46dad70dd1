"""Generator of the EXI grammar tables from the V2G XSDs (not a runtime dependency).

Usage: python -m harness.protocols.iso15118.exi.generate --xsd-dir DIR [--out DIR]
"""
