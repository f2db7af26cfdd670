// Base of the tst_*.qml cases: makes RustBridge elements wired to the demo
// backend and waits for promises. QtQuickTest does not wait for promises, so
// tests hand them to awaitValue()/awaitError(), which spin the event loop
// (tryVerify) until the promise settles. Qt 6.4's JavaScript engine has no
// async/await (a SyntaxError); task() runs a generator function the same way
// (`yield promise` instead of `await promise`).
import QtQuick
import QtTest
import QRustBridge

TestCase {
    id: base

    readonly property string backendPath: demoBackendPath

    property Component bridgeComponent: Component {
        RustBridge {
            binaryName: "demo-backend"
            binaryPath: demoBackendPath
            searchSystemPath: false
        }
    }

    property Component spyComponent: Component {
        SignalSpy {}
    }

    // A RustBridge destroyed after the test function.
    function makeBridge(properties) {
        const bridge = createTemporaryObject(bridgeComponent, base, properties || {});
        verify(bridge, "RustBridge created");
        return bridge;
    }

    // A running RustBridge (spawn() resolved true).
    function startedBridge(properties) {
        const bridge = makeBridge(properties);
        compare(awaitValue(bridge.spawn()), true, "spawn() resolves true: " + bridge.lastErrorString);
        verify(bridge.running);
        return bridge;
    }

    function spyOn(target, signalName) {
        return createTemporaryObject(spyComponent, base, { target: target, signalName: signalName });
    }

    // Like calling an async function: `yield p` waits for p; returns a Promise of the return value.
    function task(generatorFunction) {
        return new Promise((resolve, reject) => {
            const iterator = generatorFunction();
            function step(method, argument) {
                let next;
                try {
                    next = iterator[method](argument);
                } catch (error) {
                    reject(error);
                    return;
                }
                if (next.done)
                    resolve(next.value);
                else
                    Promise.resolve(next.value).then(value => step("next", value), error => step("throw", error));
            }
            step("next", undefined);
        });
    }

    // Waits until the promise settles; returns { ok, value } (value = result or error).
    function settle(promise, timeout) {
        verify(promise instanceof Promise, "a real Promise was returned");
        const box = { done: false, ok: false, value: undefined };
        promise.then(value => { box.done = true; box.ok = true; box.value = value; },
                     error => { box.done = true; box.ok = false; box.value = error; });
        tryVerify(() => box.done, timeout || 15000, "the promise settles");
        return box;
    }

    function awaitValue(promise, timeout) {
        const box = settle(promise, timeout);
        if (!box.ok) {
            if (box.value instanceof Error && box.value.message === "QtQuickTest::fail")
                throw box.value;  // a compare()/verify() inside the async code failed; already reported
            fail("expected the promise to resolve, it rejected: " + describeError(box.value));
        }
        return box.value;
    }

    function awaitError(promise, timeout) {
        const box = settle(promise, timeout);
        verify(!box.ok, "expected the promise to reject, it resolved with " + JSON.stringify(box.value));
        verify(box.value instanceof Error, "rejected with an Error");
        return box.value;
    }

    function describeError(error) {
        return error && error.code !== undefined ? error.code + ": " + error.message : String(error);
    }

    // Strict structural equality: same JS types (number stays number, no strings), same keys.
    function deepEqual(actual, expected, path) {
        path = path || "value";
        if (typeof expected === "number" && isNaN(expected))
            return Number.isNaN(actual) ? "" : path + ": expected NaN, got " + JSON.stringify(actual);
        if (expected === null || typeof expected !== "object") {
            if (typeof actual !== typeof expected)
                return path + ": expected type " + typeof expected + ", got " + typeof actual + " (" + JSON.stringify(actual) + ")";
            if (!Object.is(actual, expected))
                return path + ": expected " + JSON.stringify(expected) + " (" + String(expected) + "), got " + JSON.stringify(actual) + " (" + String(actual) + ")";
            return "";
        }
        if (actual === null || typeof actual !== "object")
            return path + ": expected an object, got " + JSON.stringify(actual);
        if (Array.isArray(expected) !== Array.isArray(actual))
            return path + ": array/object mismatch";
        const expectedKeys = Object.keys(expected).sort();
        const actualKeys = Object.keys(actual).sort();
        if (JSON.stringify(expectedKeys) !== JSON.stringify(actualKeys))
            return path + ": keys " + JSON.stringify(actualKeys) + " != " + JSON.stringify(expectedKeys);
        for (const key of expectedKeys) {
            const difference = deepEqual(actual[key], expected[key], path + "." + key);
            if (difference)
                return difference;
        }
        return "";
    }

    function verifyDeepEqual(actual, expected, message) {
        const difference = deepEqual(actual, expected);
        verify(difference === "", (message ? message + ": " : "") + difference);
    }
}
