// Proves that a rejected call()/stream() Error carries the backend's
// structured error (errorCode/errorData on the wire) as remoteCode and
// remoteData, converted like a result, and that errors without them have
// remoteCode "" and remoteData undefined. Runs against tests/fakebackend's
// fail_with, which answers with exactly the code and data it is given.
import QtQuick
import QtTest
import QRustBridge

BridgeTestCase {
    name: "RemoteErrors"

    function fakeBridge() {
        return startedBridge({ binaryName: "fakebackend", binaryPath: fakeBackendPath, cliArgs: [] });
    }

    function test_callRejectsWithRemoteCodeAndData() {
        const bridge = fakeBridge();
        const error = awaitError(bridge.call("fail_with", {
            message: "no such file",
            code: "not_found",
            data: { path: "/tmp/x", sizes: [1, 2.5], nested: { ok: false } }
        }));
        compare(error.code, "Remote");
        compare(error.message, "no such file");
        compare(error.method, "fail_with");
        compare(error.remoteCode, "not_found");
        verifyDeepEqual(error.remoteData, { path: "/tmp/x", sizes: [1, 2.5], nested: { ok: false } });
    }

    function test_scalarAndNullData() {
        const bridge = fakeBridge();
        const number = awaitError(bridge.call("fail_with", { message: "m", code: "busy", data: 3 }));
        compare(number.remoteData, 3);
        compare(typeof number.remoteData, "number");
        const nothing = awaitError(bridge.call("fail_with", { message: "m", data: null }));
        compare(nothing.remoteCode, "");
        verify(nothing.remoteData === null, "an explicit null stays null: " + nothing.remoteData);
    }

    function test_errorWithoutDetails() {
        const bridge = fakeBridge();
        const error = awaitError(bridge.call("fail_with", { message: "plain" }));
        compare(error.code, "Remote");
        compare(error.remoteCode, "");
        verify(error.remoteData === undefined, "no errorData: undefined");
        verify("remoteCode" in error, "remoteCode is always present");
    }

    function test_streamRejectsWithRemoteCodeAndData() {
        const bridge = fakeBridge();
        const chunks = [];
        const error = awaitError(bridge.stream("fail_with", { message: "stopped", code: "quota", data: { left: 0 } },
                                               chunk => chunks.push(chunk)));
        compare(error.code, "Remote");
        compare(error.remoteCode, "quota");
        verifyDeepEqual(error.remoteData, { left: 0 });
        compare(chunks.length, 0);
    }

    function test_localErrorsHaveNoRemoteDetails() {
        const bridge = makeBridge();
        const error = awaitError(bridge.call("echo", 1));   // never spawned
        compare(error.code, "NotRunning");
        compare(error.remoteCode, "");
        verify(error.remoteData === undefined);
    }
}
