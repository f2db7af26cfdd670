// Proves that destroying a RustBridge settles every pending promise (calls
// and streams reject, spawn resolves false, kill resolves) and that touching
// a promise after the element is gone is harmless. "Exactly once" needs no
// check: the promises are real JS Promises, which settle at most once, so a
// count of settlements could never exceed one.
import QtQuick
import QtTest
import QRustBridge

BridgeTestCase {
    name: "RustBridgeLifetime"

    // Not a temporary object: the tests destroy it themselves.
    function createOwnedBridge() {
        const bridge = bridgeComponent.createObject(null);
        verify(bridge, "RustBridge created");
        return bridge;
    }

    function watch(promise) {
        const box = { count: 0, ok: undefined, value: undefined };
        promise.then(v => { box.count++; box.ok = true; box.value = v; },
                     e => { box.count++; box.ok = false; box.value = e; });
        return box;
    }

    function test_destroyWithPendingCallRejects() {
        const bridge = createOwnedBridge();
        compare(awaitValue(bridge.spawn()), true);
        const promise = bridge.call("sleep", { ms: 10000 });
        const box = watch(promise);
        bridge.destroy();
        tryVerify(() => box.count > 0, 5000, "the call settles after destroy()");
        compare(box.ok, false);
        compare(box.value.code, "ProcessExited");
        compare(box.value.method, "sleep");
        verify(box.value.message.indexOf("destroyed") >= 0, box.value.message);
        verify(!promise.cancel(), "cancel() after destruction is a harmless no-op");
    }

    function test_destroyWithPendingStreamRejects() {
        const bridge = createOwnedBridge();
        compare(awaitValue(bridge.spawn()), true);
        const chunks = [];
        const box = watch(bridge.stream("count", { n: 100000, delayMs: 20 }, c => chunks.push(c)));
        tryVerify(() => chunks.length > 0, 10000);
        bridge.destroy();
        tryVerify(() => box.count > 0, 5000, "the stream settles after destroy()");
        compare(box.ok, false);
        compare(box.value.code, "ProcessExited");
        compare(box.value.method, "count");
        const seen = chunks.length;
        wait(100);
        compare(chunks.length, seen, "no chunk after destruction");
    }

    function test_destroyWhileSpawningResolvesFalse() {
        const bridge = createOwnedBridge();
        const box = watch(bridge.spawn());
        bridge.destroy();
        tryVerify(() => box.count > 0, 5000, "spawn() settles after destroy()");
        compare(box.ok, true, "spawn() never rejects");
        compare(box.value, false);
    }

    function test_destroyWhileKillingResolvesKill() {
        const bridge = createOwnedBridge();
        compare(awaitValue(bridge.spawn()), true);
        const box = watch(bridge.kill());
        bridge.destroy();
        tryVerify(() => box.count > 0, 5000, "kill() settles after destroy()");
        compare(box.ok, true);
        compare(box.value, undefined);
    }

    function test_destroyWithManyPendingSettlesEach() {
        const bridge = createOwnedBridge();
        compare(awaitValue(bridge.spawn()), true);
        const boxes = [];
        for (let i = 0; i < 20; ++i)
            boxes.push(watch(bridge.call("sleep", { ms: 10000 })));
        bridge.destroy();
        tryVerify(() => boxes.every(b => b.count > 0), 5000);
        for (const b of boxes) {
            compare(b.ok, false);
            compare(b.value.code, "ProcessExited");
        }
    }

    function test_destroyFromSignalHandler() {
        const bridge = createOwnedBridge();
        compare(awaitValue(bridge.spawn()), true);
        const box = watch(bridge.call("sleep", { ms: 10000 }));
        bridge.eventReceived.connect(() => bridge.destroy());
        bridge.call("emit", { name: "bye", data: null });
        tryVerify(() => box.count > 0, 5000);
        compare(box.value.code, "ProcessExited");
    }
}
