// The installed module, imported as an application would (and nothing else:
// no other QML module needs to be installed, so no QtObject, no Component): spawn the backend, call()
// with object params, check the Promise's result, exit.
import QRustBridge

RustBridge {
    id: bridge
    required property string backendPath

    binaryName: "backend"
    binaryPath: backendPath

    // Called by qml-consumer.cpp (Component.onCompleted would need the QtQml module).
    function run() {
        bridge.spawn().then(ok => {
            if (!ok)
                throw new Error("spawn failed: " + bridge.lastErrorString);
            return bridge.call("ping", { n: 1, "ключ": "é", "": "empty key" });
        }).then(result => {
            const good = result.pong === true && result.method === "ping";
            console.log("qml-consumer: " + (good ? "ok" : "wrong result " + JSON.stringify(result)));
            Qt.exit(good ? 0 : 1);
        }).catch(error => {
            console.log("qml-consumer: failed: " + (error.message || error));
            Qt.exit(1);
        });
    }
}
