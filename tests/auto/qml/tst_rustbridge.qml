// Proves the RustBridge element's contract against the demo backend: spawn and
// ready, call results and errors (with their string codes), events, stderr,
// exit, streams, cancellation, kill, timeouts, autoStart, options re-applied on
// the next spawn, local-socket and TCP mode, and the error codes by name
// (the QRustBridgeError singleton).
import QtQuick
import QtTest
import QRustBridge

BridgeTestCase {
    name: "RustBridge"

    function test_spawnResolvesTrueAndEmitsReady() {
        const bridge = makeBridge();
        const readySpy = spyOn(bridge, "ready");
        const runningSpy = spyOn(bridge, "runningChanged");
        compare(bridge.state, RustBridge.NotRunning);
        verify(!bridge.running);
        const seen = awaitValue(task(function* () {
            const ok = yield bridge.spawn();
            return { ok: ok, running: bridge.running, state: bridge.state, ready: readySpy.count };
        }));
        compare(seen.ok, true);
        compare(seen.running, true);
        compare(seen.state, RustBridge.Running);
        compare(seen.ready, 1, "ready() was emitted before the promise resolved");
        compare(runningSpy.count, 1);
        compare(bridge.lastErrorCode, "");
    }

    function test_spawnMissingBinaryResolvesFalse() {
        const bridge = makeBridge({ binaryName: "qrustbridge-no-such-backend", binaryPath: "" });
        const errors = [];
        bridge.errorOccurred.connect((code, message) => errors.push({ code: code, message: message }));
        const ok = awaitValue(bridge.spawn());
        compare(ok, false, "resolves false, never rejects");
        compare(bridge.lastErrorCode, "BinaryNotFound");
        verify(bridge.lastErrorString.indexOf("qrustbridge-no-such-backend") >= 0, bridge.lastErrorString);
        compare(errors.length, 1);
        compare(errors[0].code, "BinaryNotFound");
        compare(bridge.state, RustBridge.NotRunning);
    }

    function test_spawnWhileRunningResolvesFalse() {
        const bridge = startedBridge();
        compare(awaitValue(bridge.spawn()), false);
        compare(bridge.lastErrorCode, "StartFailed");
        verify(bridge.running, "the running backend is untouched");
    }

    // The option moves the pipe's reading to a private thread; calls work the same.
    function test_dedicatedIoThreadAnswersLikeTheDefault() {
        const bridge = startedBridge({ dedicatedIoThread: true });
        compare(bridge.dedicatedIoThread, true);
        const echoed = awaitValue(bridge.call("echo", { hello: "thread" }));
        compare(echoed.hello, "thread");
    }

    function test_callResolvesWithResult() {
        const bridge = startedBridge();
        const results = awaitValue(task(function* () {
            const sum = yield bridge.call("add", { a: 2, b: 3 });
            const echoed = yield bridge.call("echo", { hello: "world" });
            return [sum, echoed];
        }));
        compare(results[0], 5);
        compare(typeof results[0], "number");
        verifyDeepEqual(results[1], { hello: "world" });
    }

    function test_concurrentCallsResolveToTheirOwnResults() {
        const bridge = startedBridge();
        const promises = [];
        for (let i = 0; i < 50; ++i)
            promises.push(bridge.call("add", { a: i, b: 1000 }));
        const sums = awaitValue(Promise.all(promises));
        for (let i = 0; i < 50; ++i)
            compare(sums[i], i + 1000);
    }

    function test_callRejectsWithRemoteCodeAndMessage() {
        const bridge = startedBridge();
        const error = awaitError(bridge.call("fail", { message: "boom: it broke" }));
        compare(error.code, "Remote");
        compare(error.message, "boom: it broke");
        compare(error.method, "fail");
        verify(typeof error.requestId === "string" && error.requestId.length > 0, "requestId is set");
        verify(bridge.running, "a remote error does not stop the backend");
        compare(bridge.lastErrorCode, "", "request errors are not bridge errors");
    }

    function test_awaitInTryCatchSeesTheError() {
        const bridge = startedBridge();
        const caught = awaitValue(task(function* () {
            try {
                yield bridge.call("fail", { message: "nope" });
                return "not thrown";
            } catch (e) {
                return e.code + "/" + e.message;
            }
        }));
        compare(caught, "Remote/nope");
    }

    function test_callWhenNotRunningRejectsNotRunning() {
        const bridge = makeBridge();
        const error = awaitError(bridge.call("echo", 1));
        compare(error.code, "NotRunning");
        verify(error.message.indexOf("echo") >= 0, error.message);
    }

    function test_eventsAreDeliveredBeforeTheResponse() {
        const bridge = startedBridge();
        const events = [];
        bridge.eventReceived.connect((name, data) => events.push({ name: name, data: data }));
        const result = awaitValue(task(function* () {
            const ok = yield bridge.call("emit", { name: "progress", data: { pct: 50, tags: ["a", "b"], done: false } });
            return { ok: ok, eventsAtResponse: events.length };
        }));
        compare(result.ok, true);
        compare(result.eventsAtResponse, 1);
        compare(events[0].name, "progress");
        verifyDeepEqual(events[0].data, { pct: 50, tags: ["a", "b"], done: false });
    }

    function test_eventsKeepTheirOrder() {
        const bridge = startedBridge();
        const data = [];
        bridge.eventReceived.connect((name, value) => { if (name === "seq") data.push(value); });
        compare(awaitValue(bridge.call("emit", { name: "seq", count: 100 })), true);
        compare(data.length, 100);
        for (let i = 0; i < 100; ++i)
            compare(data[i], i);
    }

    function test_standardErrorLineIsForwarded() {
        const bridge = startedBridge();
        const lines = [];
        bridge.standardErrorLine.connect(line => lines.push(line));
        compare(awaitValue(bridge.call("stderr", { text: "hello from stderr" })), true);
        tryVerify(() => lines.indexOf("hello from stderr") >= 0, 5000, JSON.stringify(lines));
    }

    function test_exitedReportsTheExitCode() {
        const bridge = startedBridge();
        const exitedSpy = spyOn(bridge, "exited");
        const error = awaitError(bridge.call("exit", { code: 3 }));
        compare(error.code, "ProcessExited");
        tryCompare(exitedSpy, "count", 1);
        compare(exitedSpy.signalArguments[0][0], 3);
        compare(bridge.running, false);
        compare(bridge.state, RustBridge.NotRunning);
        compare(bridge.lastErrorCode, "ProcessExited");
    }

    function test_crashReportsExitCodeMinusOne() {
        const bridge = startedBridge();
        const exitedSpy = spyOn(bridge, "exited");
        compare(awaitError(bridge.call("abort")).code, "ProcessExited");
        tryCompare(exitedSpy, "count", 1);
        compare(exitedSpy.signalArguments[0][0], -1);
        compare(bridge.lastErrorCode, "ProcessExited");
    }

    function test_streamDeliversChunksThenResult() {
        const bridge = startedBridge();
        const chunks = [];
        const outcome = awaitValue(task(function* () {
            const result = yield bridge.stream("count", { n: 5 }, chunk => chunks.push(chunk));
            return { result: result, chunksAtResult: chunks.length };
        }));
        verifyDeepEqual(outcome.result, { count: 5 });
        compare(outcome.chunksAtResult, 5, "every chunk arrives before the result");
        for (let i = 0; i < 5; ++i)
            verifyDeepEqual(chunks[i], { i: i });
    }

    function test_streamWithoutCallbackResolves() {
        const bridge = startedBridge();
        verifyDeepEqual(awaitValue(bridge.stream("count", { n: 3 })), { count: 3 });
    }

    function test_streamFailureRejectsAfterChunks() {
        const bridge = startedBridge();
        const chunks = [];
        const error = awaitError(bridge.stream("stream_fail", { after: 2 }, chunk => chunks.push(chunk)));
        compare(error.code, "Remote");
        compare(error.message, "stream failed after 2 chunks");
        compare(error.method, "stream_fail");
        compare(chunks.length, 2);
    }

    function test_streamWhenNotRunningRejectsNotRunning() {
        const bridge = makeBridge();
        compare(awaitError(bridge.stream("count", { n: 1 })).code, "NotRunning");
    }

    function test_onChunkExceptionDoesNotStopTheStream() {
        const bridge = startedBridge();
        let calls = 0;
        for (let i = 0; i < 3; ++i)
            ignoreWarning(new RegExp("onChunk threw"));
        const result = awaitValue(bridge.stream("count", { n: 3 }, () => { ++calls; throw new Error("callback bug"); }));
        verifyDeepEqual(result, { count: 3 });
        compare(calls, 3);
    }

    function test_cancelStreamRejectsCancelled() {
        const bridge = startedBridge({ cancelMethod: "$/cancel" });
        const chunks = [];
        const promise = bridge.stream("count", { n: 100000, delayMs: 20 }, chunk => chunks.push(chunk));
        verify(typeof promise.cancel === "function", "stream promises have cancel()");
        tryVerify(() => chunks.length >= 2, 10000);
        verify(promise.cancel(), "cancel() finds the pending stream");
        const error = awaitError(promise);
        compare(error.code, "Cancelled");
        const seen = chunks.length;
        compare(awaitValue(bridge.call("add", { a: 1, b: 1 })), 2, "the backend still answers");
        compare(chunks.length, seen, "no chunk after cancellation");
        verify(!promise.cancel(), "a settled promise is no longer pending");
    }

    function test_cancelCallRejectsCancelledAtOnce() {
        const bridge = startedBridge({ cancelMethod: "$/cancel" });
        const promise = bridge.call("sleep", { ms: 20000 });
        verify(bridge.cancel(promise), "cancel(promise) finds the pending call");
        const error = awaitError(promise, 10000);  // well before the 20 s sleep would end
        compare(error.code, "Cancelled");
        compare(error.method, "sleep");
        verify(bridge.running);
        compare(awaitValue(bridge.call("add", { a: 20, b: 22 })), 42);
    }

    // Without a cancelMethod a call goes through the callback overload of
    // sendCommand(): cancel() rejects on the spot and the reply that still
    // comes later is dropped, without touching the calls around it.
    function test_cancelCallWithoutCancelMethodDropsTheLateReply() {
        const bridge = startedBridge();
        compare(bridge.cancelMethod, "");
        const cancelled = bridge.call("sleep", { ms: 300 });
        const later = bridge.call("sleep", { ms: 600 });  // pending when the cancelled reply arrives
        verify(cancelled.cancel(), "cancel() finds the pending call");
        verify(!cancelled.cancel(), "rejected at once: no longer pending");
        verify(!bridge.cancel(cancelled));
        const error = awaitError(cancelled);
        compare(error.code, "Cancelled");
        compare(error.method, "sleep");
        verifyDeepEqual(awaitValue(later), { slept: 600 });
        compare(awaitValue(bridge.call("add", { a: 20, b: 22 })), 42);
    }

    // Many calls in flight at once, each settled with its own reply.
    function test_manyConcurrentCallsEachGetTheirReply() {
        const bridge = startedBridge();
        const calls = [];
        for (let i = 0; i < 500; ++i)
            calls.push(bridge.call("echo", { i: i, s: "x" + i }));
        const results = awaitValue(Promise.all(calls), 30000);
        compare(results.length, 500);
        for (let i = 0; i < 500; ++i)
            verifyDeepEqual(results[i], { i: i, s: "x" + i });
    }

    function test_cancelUnknownPromiseReturnsFalse() {
        const bridge = startedBridge();
        verify(!bridge.cancel(Promise.resolve(1)));
        verify(!bridge.cancel(undefined));
    }

    function test_killMidCallRejectsProcessExited() {
        const bridge = startedBridge();
        const exitedSpy = spyOn(bridge, "exited");
        const pending = bridge.call("sleep", { ms: 5000 });
        const killed = bridge.kill();
        verify(killed instanceof Promise, "kill() returns a Promise");
        const error = awaitError(pending, 5000);
        compare(error.code, "ProcessExited");
        compare(error.method, "sleep");
        compare(awaitValue(killed, 10000), undefined);
        compare(bridge.state, RustBridge.NotRunning);
        verify(!bridge.running);
        tryCompare(exitedSpy, "count", 1);
    }

    function test_killWhenNotRunningResolvesAtOnce() {
        const bridge = makeBridge();
        compare(awaitValue(bridge.kill(), 1000), undefined);
        compare(bridge.state, RustBridge.NotRunning);
    }

    function test_respawnAfterKill() {
        const bridge = startedBridge();
        awaitValue(bridge.kill());
        compare(awaitValue(bridge.spawn()), true);
        compare(awaitValue(bridge.call("add", { a: 1, b: 2 })), 3);
    }

    function test_requestTimeoutRejectsTimeout() {
        const bridge = startedBridge({ requestTimeoutMs: 200 });
        const error = awaitError(bridge.call("sleep", { ms: 3000 }), 5000);
        compare(error.code, "Timeout");
        compare(error.method, "sleep");
    }

    function test_readyTimeoutResolvesFalse() {
        const bridge = makeBridge({ readyEventName: "never-sent", readyTimeoutMs: 300 });
        compare(awaitValue(bridge.spawn()), false);
        compare(bridge.lastErrorCode, "ReadyTimeout");
    }

    function test_autoStartSpawnsOnComponentComplete() {
        const bridge = makeBridge({ autoStart: true });
        const readySpy = spyOn(bridge, "ready");
        verify(bridge.state === RustBridge.Starting || bridge.state === RustBridge.Running);
        tryCompare(bridge, "running", true, 15000);
        compare(awaitValue(bridge.call("add", { a: 4, b: 4 })), 8);
        // ready may come before the spy existed; running proves the handshake.
        verify(readySpy.count <= 1);
    }

    function test_withoutAutoStartNothingRuns() {
        const bridge = makeBridge();
        wait(0);
        compare(bridge.state, RustBridge.NotRunning);
    }

    function test_schemaMismatchFailsStartWhenAsked() {
        const bridge = makeBridge({ expectedSchema: "0000000000000000", failOnSchemaMismatch: true });
        compare(awaitValue(bridge.spawn()), false);
        compare(bridge.lastErrorCode, QRustBridgeError.SchemaMismatch);
        verify(bridge.lastErrorString.indexOf("0000000000000000") >= 0, bridge.lastErrorString);
        tryCompare(bridge, "state", RustBridge.NotRunning);
    }

    function test_changedPropertiesApplyOnNextSpawn() {
        const bridge = startedBridge();
        bridge.readyEventName = "never-sent";
        bridge.readyTimeoutMs = 300;
        compare(awaitValue(bridge.call("add", { a: 1, b: 1 })), 2, "the running backend keeps its options");
        awaitValue(bridge.kill());
        compare(awaitValue(bridge.spawn()), false, "the new readyEventName is used");
        compare(bridge.lastErrorCode, "ReadyTimeout");
        tryCompare(bridge, "state", RustBridge.NotRunning, 10000);
        bridge.readyEventName = "ready";
        compare(awaitValue(bridge.spawn()), true);
        compare(awaitValue(bridge.call("add", { a: 2, b: 2 })), 4);
    }

    function test_propertiesMirrorTheOptionsDefaults() {
        const bridge = makeBridge();
        compare(bridge.cliArgs.length, 1);
        compare(bridge.cliArgs[0], "--management");
        compare(bridge.requestTimeoutMs, 30000);
        compare(bridge.streamTimeoutMs, -1);
        compare(bridge.readyTimeoutMs, 10000);
        compare(bridge.maxPayloadSize, 50 * 1024 * 1024);
        compare(bridge.readyEventName, "ready");
        compare(bridge.cancelMethod, "");
        compare(bridge.envVarName, "");
        compare(bridge.searchWorkingDirectory, false);
        compare(bridge.traceMessages, false);
        compare(bridge.streamBufferLimit, 10000);
        compare(bridge.inboundHighWaterMark, 16 * 1024 * 1024);
        compare(bridge.dedicatedIoThread, false);
        compare(bridge.autoStart, false);
        bridge.environment = { QRUSTBRIDGE_TEST_VAR: "x", NUMBER: 5 };
        compare(bridge.environment.QRUSTBRIDGE_TEST_VAR, "x");
        compare(bridge.environment.NUMBER, "5");
    }

    function test_envVarNameLocatesTheBackend() {
        // binaryPath empty and no PATH search: only the variable (set by tst_qml.cpp) can find it.
        const bridge = makeBridge({ binaryPath: "", envVarName: "QRUSTBRIDGE_QML_TEST_BACKEND" });
        compare(awaitValue(bridge.spawn()), true, bridge.lastErrorString);
    }

    function test_connectToServer() {
        const path = socketDaemon.start();
        verify(path !== "", "socket daemon started");
        const bridge = makeBridge();
        const disconnectedSpy = spyOn(bridge, "disconnected");
        compare(awaitValue(bridge.connectToServer(path)), true, bridge.lastErrorString);
        verify(bridge.running);
        compare(awaitValue(bridge.call("add", { a: 40, b: 2 })), 42);
        compare(awaitValue(bridge.kill()), undefined);
        compare(bridge.state, RustBridge.NotRunning);
        tryCompare(disconnectedSpy, "count", 1);
        socketDaemon.stop();
    }

    function test_connectToMissingSocketResolvesFalse() {
        const bridge = makeBridge();
        compare(awaitValue(bridge.connectToServer("/nonexistent/qrustbridge-test.sock")), false);
        compare(bridge.lastErrorCode, "StartFailed");
        compare(bridge.state, RustBridge.NotRunning);
    }

    function test_connectToServerAutoReconnect() {
        const path = socketDaemon.start();
        verify(path !== "", "socket daemon started");
        const bridge = makeBridge();
        const disconnectedSpy = spyOn(bridge, "disconnected");
        const reconnectedSpy = spyOn(bridge, "reconnected");
        compare(awaitValue(bridge.connectToServer(path, { autoReconnect: true, reconnectBaseDelayMs: 50,
                                                          reconnectMaxDelayMs: 200, maxReconnectAttempts: 100 })), true);
        socketDaemon.stop();
        tryCompare(disconnectedSpy, "count", 1, 10000);
        verify(bridge.state === RustBridge.Reconnecting, "state is Reconnecting, not " + bridge.state);
        verify(socketDaemon.start() !== "", "socket daemon restarted");
        tryCompare(reconnectedSpy, "count", 1, 15000);
        compare(bridge.state, RustBridge.Running);
        compare(awaitValue(bridge.call("add", { a: 1, b: 1 })), 2);
        awaitValue(bridge.kill());
        socketDaemon.stop();
    }

    function test_connectToHost() {
        const port = socketDaemon.startTcp();
        verify(port > 0, "tcp daemon started");
        const bridge = makeBridge();
        const disconnectedSpy = spyOn(bridge, "disconnected");
        compare(awaitValue(bridge.connectToHost("127.0.0.1", port, { autoReconnect: false })), true,
                bridge.lastErrorString);
        compare(awaitValue(bridge.call("add", { a: 40, b: 2 })), 42);
        socketDaemon.stop();
        tryCompare(disconnectedSpy, "count", 1, 10000);
        compare(bridge.lastErrorCode, QRustBridgeError.Disconnected);
    }

    function test_connectToHostWithTlsAgainstPlainServerResolvesFalse() {
        const port = socketDaemon.startTcp();
        verify(port > 0, "tcp daemon started");
        const bridge = makeBridge({ readyTimeoutMs: 3000 });
        // The TLS options reach the transport: a TLS handshake with a plain server fails.
        compare(awaitValue(bridge.connectToHost("127.0.0.1", port, { useTls: true, verifyPeer: false })), false);
        verify(bridge.lastErrorCode === QRustBridgeError.StartFailed
               || bridge.lastErrorCode === QRustBridgeError.ReadyTimeout
               || bridge.lastErrorCode === QRustBridgeError.Disconnected, bridge.lastErrorCode);
        socketDaemon.stop();
    }

    function test_connectToHostBadPortResolvesFalse() {
        const bridge = makeBridge();
        compare(awaitValue(bridge.connectToHost("127.0.0.1", 70000)), false);
        compare(bridge.lastErrorCode, QRustBridgeError.StartFailed);
    }

    function test_errorCodesByName() {
        compare(QRustBridgeError.Timeout, "Timeout");
        compare(QRustBridgeError.ProcessExited, "ProcessExited");
        compare(QRustBridgeError.ReadyTimeout, "ReadyTimeout");
        const bridge = startedBridge();
        const error = awaitError(bridge.call("fail", { message: "x" }));
        verify(error.code === QRustBridgeError.Remote, error.code);
        compare(awaitError(makeBridge().call("echo", 1)).code, QRustBridgeError.NotRunning);
    }

    function test_reconnectFailedAfterMaxAttempts() {
        const path = socketDaemon.start();
        verify(path !== "", "socket daemon started");
        const bridge = makeBridge();
        const failedSpy = spyOn(bridge, "reconnectFailed");
        compare(awaitValue(bridge.connectToServer(path, { autoReconnect: true, reconnectBaseDelayMs: 20,
                                                          maxReconnectAttempts: 2 })), true);
        socketDaemon.stop();
        tryCompare(failedSpy, "count", 1, 10000);
        compare(bridge.state, RustBridge.NotRunning);
        compare(awaitError(bridge.call("echo", 1)).code, "NotRunning");
    }
}
