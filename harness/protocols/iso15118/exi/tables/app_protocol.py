"""EXI grammar tables generated from the V2G XSDs. Do not edit.

Regenerate with: python -m harness.protocols.iso15118.exi.generate --xsd-dir DIR
Source schemas: V2G_CI_AppProtocol.xsd
"""

# fmt: off
# ruff: noqa
NAMESPACE = 'urn:iso:15118:2:2010:AppProtocol'
DATATYPES = (('str',), ('uint', 4294967295), ('nbit', 8, 0, 255), ('nbit', 5, 1, 20),
 ('enum', ('OK_SuccessfulNegotiation', 'OK_SuccessfulNegotiationWithMinorDeviation', 'Failed_NoNegotiation')))
GRAMMARS = ((((1, (1, ((1, 'AppProtocol', 1, 1, True, '{}AppProtocol'),), 3, 0, 6)),
   (19, (2, ((1, 'AppProtocol', 1, 1, True, '{}AppProtocol'), (2, '', 0, 0, False, '')), 1, -1, 1)),
   (1, (1, ((2, '', 0, 0, False, ''),), 1, -1, 1))),
  ('AppProtocol',), False, {}),
 (((1, (1, ((1, 'ProtocolNamespace', -1, 1, False, '{}ProtocolNamespace'),), 3, 0, 6)),
   (1, (1, ((1, 'VersionNumberMajor', -2, 1, False, '{}VersionNumberMajor'),), 2, 0, 2)),
   (1, (1, ((1, 'VersionNumberMinor', -2, 1, False, '{}VersionNumberMinor'),), 2, 0, 2)),
   (1, (1, ((1, 'SchemaID', -3, 1, False, '{}SchemaID'),), 2, 0, 2)),
   (1, (1, ((1, 'Priority', -4, 1, False, '{}Priority'),), 2, 0, 2)), (1, (1, ((2, '', 0, 0, False, ''),), 1, -1, 1))),
  ('ProtocolNamespace', 'VersionNumberMajor', 'VersionNumberMinor', 'SchemaID', 'Priority'), False,
  {'Priority': 0, 'SchemaID': 0, 'VersionNumberMajor': 0, 'VersionNumberMinor': 0}),
 (((1, (1, ((1, 'ResponseCode', -5, 1, False, '{}ResponseCode'),), 3, 0, 6)),
   (1, (2, ((1, 'SchemaID', -3, 1, False, '{}SchemaID'), (2, '', 0, 0, False, '')), 1, -1, 1)),
   (1, (1, ((2, '', 0, 0, False, ''),), 1, -1, 1))),
  ('ResponseCode', 'SchemaID'), False, {'SchemaID': 0}))
DOCUMENT = (('supportedAppProtocolReq', 'urn:iso:15118:2:2010:AppProtocol', 0),
 ('supportedAppProtocolRes', 'urn:iso:15118:2:2010:AppProtocol', 2))
FRAGMENT = (('AppProtocol', '', 1), ('Priority', '', -4), ('ProtocolNamespace', '', -1), ('ResponseCode', '', -5),
 ('SchemaID', '', -3), ('VersionNumberMajor', '', -2), ('VersionNumberMinor', '', -2),
 ('supportedAppProtocolReq', 'urn:iso:15118:2:2010:AppProtocol', 0),
 ('supportedAppProtocolRes', 'urn:iso:15118:2:2010:AppProtocol', 2))
