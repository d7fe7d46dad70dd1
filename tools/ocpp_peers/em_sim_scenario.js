// Scenario for em-ocpp-chargepoint-simulator (batch mode): boot, heartbeat, status, then act on what the
// CSMS asks (GetConfiguration, RemoteStartTransaction, TriggerMessage, RemoteStopTransaction) and exit after
// the remote stop. The CSMS URL (with Basic credentials for profiles 1/2) comes from CB_URL.
const url = process.env.CB_URL;
const cp = await connect(url);
let done;
const finished = new Promise((resolve) => { done = resolve; });
const now = () => new Date().toISOString();
cp.answerGetConfiguration(async (req) => {
  cp.sendResponse(req.uniqueId, {configurationKey: [{key: "HeartbeatInterval", readonly: false, value: "60"}]});
});
cp.answerRemoteStartTransaction(async (req) => {
  cp.sendResponse(req.uniqueId, {status: "Accepted"});
  await cp.sendStatusNotification({connectorId: 1, errorCode: "NoError", status: "Preparing"});
  cp.transaction = await cp.startTransaction({connectorId: 1, idTag: req.payload.idTag, meterStart: 1000,
                                              timestamp: now()});
  await cp.sendStatusNotification({connectorId: 1, errorCode: "NoError", status: "Charging"});
  await cp.meterValues({connectorId: 1, transactionId: cp.transaction.transactionId, meterValue: [
    {timestamp: now(), sampledValue: [{value: "1500", measurand: "Energy.Active.Import.Register", unit: "Wh"}]}]});
});
cp.answerRemoteStopTransaction(async (req) => {
  cp.sendResponse(req.uniqueId, {status: "Accepted"});
  await cp.stopTransaction({transactionId: req.payload.transactionId, meterStop: 2000, timestamp: now(),
                            reason: "Remote"});
  await cp.sendStatusNotification({connectorId: 1, errorCode: "NoError", status: "Finishing"});
  await cp.sendStatusNotification({connectorId: 1, errorCode: "NoError", status: "Available"});
  done();
});
await cp.sendBootnotification({chargePointVendor: "em-sim", chargePointModel: "interop"});
await cp.sendHeartbeat();
await cp.sendStatusNotification({connectorId: 0, errorCode: "NoError", status: "Available"});
await cp.sendStatusNotification({connectorId: 1, errorCode: "NoError", status: "Available"});
await finished;
await cp.sleep(300);
cp.close();
