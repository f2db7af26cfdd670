// The QML client of the benchmarks (bench_qml.cpp loads it): a RustBridge
// element and its promise-returning call()/stream(), consumed with .then()
// as a Qt Quick application does. `host` is the C++ side: parameters, the
// shared clock, and finish()/fail() for the result line.
import QRustBridge

RustBridge {
    id: backend
    binaryPath: host.backend
    requestTimeoutMs: 600000            // the benchmark's own timeout decides
    maxPayloadSize: host.maxPayload

    readonly property var params: ({ s: host.small })   // exactly 100 bytes of JSON

    function failed(error) {
        host.fail(error.code + ": " + error.message);
    }

    // Each reply's .then sends the next request.
    function sequential() {
        const warm = host.warmup, n = host.count, total = n + warm, latencies = [];
        let i = 0, start = 0, t0 = 0;
        function next() {
            if (i === warm)
                start = host.now();
            t0 = host.now();
            backend.call("echo", params).then(reply, failed);
        }
        function reply() {
            if (i++ >= warm)
                latencies.push(host.now() - t0);
            if (i === total)
                host.finish({ ops: n, seconds: host.now() - start }, latencies);
            else
                next();
        }
        next();
    }

    // All requests at once; a counter in .then notices the last reply.
    function pipelined() {
        const n = host.count, t0 = host.now();
        let received = 0, sent = 0;
        const reply = () => {
            if (++received === n)
                host.finish({ ops: n, seconds: host.now() - t0, send_seconds: sent - t0 }, []);
        };
        for (let i = 0; i < n; ++i)
            backend.call("echo", params).then(reply, failed);
        sent = host.now();
    }

    function streaming() {
        const n = host.count, t0 = host.now();
        let chunks = 0;
        backend.stream("count", { n: n, delayMs: 0 }, () => { ++chunks; }).then(() => {
            if (chunks !== n)
                host.fail("got " + chunks + " chunks");
            else
                host.finish({ ops: n, seconds: host.now() - t0 }, []);
        }, failed);
    }

    // Called by the host once the component is created. (Not
    // Component.onCompleted: that needs `import QtQml`, whose QtQml.Models
    // part Debian ships in a separate package.)
    function start() {
        spawn().then(ok => {
            if (!ok)
                host.fail("spawn failed: " + lastErrorCode + " " + lastErrorString);
            else if (host.workload === "seq")
                sequential();
            else if (host.workload === "pipelined")
                pipelined();
            else
                streaming();
        });
    }
}
