// QRustBridge QML example: echo, a streamed count with a progress bar and a
// cancel button, events, kill/restart, and a log of everything the backend says.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QRustBridge
import DemoCommands   // generated from demo-backend --describe, registered in main.cpp

ApplicationWindow {
    id: window

    required property string backendPath
    required property bool smoke

    property var currentStream: null   // the promise of the running count stream

    width: 640
    height: 520
    visible: true
    title: qsTr("QRustBridge QML example")

    function log(text) {
        logModel.append({ line: text });
        logView.positionViewAtEnd();
        if (smoke)
            console.log("smoke:", text);
    }

    function describe(error) {
        return error.code + ": " + error.message;
    }

    // Qt 6.4's JavaScript engine has no async/await; this runs a generator
    // function the same way: `yield promise` waits like `await promise` would,
    // and a rejection is thrown at the yield.
    function run(generatorFunction) {
        return new Promise((resolve, reject) => {
            const steps = generatorFunction();
            function step(method, argument) {
                let next;
                try {
                    next = steps[method](argument);
                } catch (error) {
                    reject(error);
                    return;
                }
                if (next.done)
                    resolve(next.value);
                else
                    Promise.resolve(next.value).then(v => step("next", v), e => step("throw", e));
            }
            step("next", undefined);
        });
    }

    function echo() {
        backend.call("echo", { text: echoField.text, length: echoField.text.length })
            .then(result => log("echo → " + JSON.stringify(result)))
            .catch(error => log("echo failed: " + describe(error)));
    }

    // Streams n chunks {"i": k} and then {"count": n}; the progress bar follows the chunks.
    function count(n, delayMs) {
        progress.value = 0;
        // The generated client: params and chunks are checked against the
        // Rust types (a wrong field name rejects, naming it).
        const promise = commands.count({ n: n, delayMs: delayMs },
                                       chunk => progress.value = (chunk.i + 1) / n);
        currentStream = promise;
        const clear = () => { if (currentStream === promise) currentStream = null; };
        promise.then(clear, clear);
        return promise;
    }

    function startCount() {
        count(100, 30)
            .then(result => log("count finished: " + JSON.stringify(result)))
            .catch(error => log("count stopped: " + describe(error)));
    }

    // One Client method per command of the demo backend (demo_commands.h).
    Client {
        id: commands
        bridge: backend
    }

    RustBridge {
        id: backend
        binaryName: "demo-backend"
        binaryPath: window.backendPath
        envVarName: "QRUSTBRIDGE_DEMO_BACKEND"
        cancelMethod: "$/cancel"          // the demo backend stops cancelled work
        requestTimeoutMs: 15000
        autoStart: true

        onReady: {
            window.log("backend ready");
            if (window.smoke)
                smokeTest.start();
        }
        onEventReceived: (name, data) => window.log("event " + name + ": " + JSON.stringify(data))
        onStandardErrorLine: line => window.log("stderr: " + line)
        onExited: code => window.log("backend exited with code " + code)
        onErrorOccurred: (code, message) => {
            window.log("error " + code + ": " + message);
            if (window.smoke && !smokeTest.started) {
                console.error("smoke: FAILED: the backend did not start");
                Qt.exit(1);
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 8

        Label {
            text: qsTr("Backend: %1").arg(["not running", "starting", "running", "reconnecting", "stopping"][backend.state])
                  + (backend.lastErrorString ? " (" + backend.lastErrorString + ")" : "")
        }

        RowLayout {
            TextField {
                id: echoField
                Layout.fillWidth: true
                text: "Hello from QML 👋"
                onAccepted: window.echo()
            }
            Button {
                text: qsTr("Echo")
                enabled: backend.running
                onClicked: window.echo()
            }
        }

        RowLayout {
            Button {
                text: qsTr("Count to 100")
                enabled: backend.running && !window.currentStream
                onClicked: window.startCount()
            }
            ProgressBar {
                id: progress
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Cancel")
                enabled: !!window.currentStream
                onClicked: window.currentStream.cancel()
            }
        }

        RowLayout {
            Button {
                text: qsTr("Emit event")
                enabled: backend.running
                onClicked: backend.call("emit", { name: "hello", data: { from: "qml", at: Date.now() } })
            }
            Button {
                text: qsTr("Print to stderr")
                enabled: backend.running
                onClicked: backend.call("stderr", { text: "a line on the backend's stderr" })
            }
            Button {
                text: backend.state === RustBridge.NotRunning ? qsTr("Start") : qsTr("Kill")
                onClicked: {
                    if (backend.state === RustBridge.NotRunning)
                        backend.spawn().then(ok => log(ok ? "restarted" : "start failed"));
                    else
                        backend.kill().then(() => log("backend stopped"));
                }
            }
        }

        ListView {
            id: logView
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ListModel { id: logModel }
            delegate: Label {
                required property string line
                width: ListView.view.width
                text: line
                elide: Text.ElideRight
            }
        }
    }

    // --smoke: a scripted session; the process exits 0 only if every step succeeded.
    QtObject {
        id: smokeTest

        property bool started: false

        function expect(condition, what) {
            if (!condition)
                throw new Error("check failed: " + what);
            window.log("ok: " + what);
        }

        function start() {
            started = true;
            const events = [];
            backend.eventReceived.connect((name, data) => events.push(name));
            window.run(function* () {
                const echoed = yield backend.call("echo", { text: "héllo", n: 42, list: [1, 2.5, null, true] });
                expect(echoed.text === "héllo" && echoed.n === 42 && echoed.list[1] === 2.5, "echo round trip");

                expect((yield commands.add({ a: 2, b: 40 })) === 42, "add (generated client)");

                expect((yield backend.call("emit", { name: "smoke", data: { ok: true } })) === true
                       && events.indexOf("smoke") >= 0, "event received before the response");

                const counted = yield window.count(25, 1);
                expect(counted.count === 25 && progress.value === 1, "stream of 25 chunks, progress bar full");

                const longStream = window.count(100000, 5);
                let cancelled = null;
                try {
                    yield backend.call("sleep", { ms: 50 });  // let a few chunks arrive
                    longStream.cancel();
                    yield longStream;
                } catch (error) {
                    cancelled = error;
                }
                expect(cancelled && cancelled.code === "Cancelled", "stream cancelled");

                try {
                    yield backend.call("fail", { message: "on purpose" });
                    expect(false, "fail rejects");
                } catch (error) {
                    expect(error.code === "Remote" && error.message === "on purpose", "remote error with code and message");
                }

                const sleeping = backend.call("sleep", { ms: 10000 });
                yield backend.kill();
                let killed = null;
                try {
                    yield sleeping;
                } catch (error) {
                    killed = error;
                }
                expect(killed && killed.code === "ProcessExited" && !backend.running, "kill rejects the pending call");
            }).then(() => {
                window.log("smoke: all steps passed");
                Qt.exit(0);
            }, error => {
                console.error("smoke: FAILED:", error.code ? describe(error) : String(error));
                Qt.exit(1);
            });
        }
    }
}
