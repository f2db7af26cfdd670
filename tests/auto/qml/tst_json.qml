// Proves the JSON <-> JavaScript mapping end to end through the backend's
// "echo": every JSON type comes back as the same JavaScript type and value
// (integers stay numbers, never strings), JSON.stringify's rules apply to
// undefined/functions/NaN/Date, and cyclic params reject with ProtocolError.
import QtQuick
import QtTest
import QRustBridge

BridgeTestCase {
    id: testCase
    name: "RustBridgeJson"

    property var bridge: null

    function initTestCase() {
        bridge = bridgeComponent.createObject(testCase);
        compare(awaitValue(bridge.spawn()), true, bridge.lastErrorString);
    }

    function cleanupTestCase() {
        if (bridge)
            bridge.destroy();
    }

    function echo(value) {
        return awaitValue(bridge.call("echo", value));
    }

    function test_roundTrip_data() {
        return [
            { tag: "null", value: null },
            { tag: "true", value: true },
            { tag: "false", value: false },
            { tag: "zero", value: 0 },
            { tag: "42", value: 42 },
            { tag: "negative", value: -7 },
            { tag: "2^53-1", value: 9007199254740991 },
            { tag: "-(2^53-1)", value: -9007199254740991 },
            { tag: "2^31", value: 2147483648 },
            { tag: "0.1", value: 0.1 },
            { tag: "pi", value: 3.141592653589793 },
            { tag: "1e300", value: 1e300 },
            { tag: "tiny", value: -2.5e-10 },
            { tag: "empty string", value: "" },
            { tag: "ascii", value: "hello" },
            { tag: "numeric string", value: "42" },
            { tag: "unicode", value: "é ü ß 漢字 😀 \u2028" },
            { tag: "escapes", value: "quote \" backslash \\ newline \n tab \t nul \u0000" },
            { tag: "empty array", value: [] },
            { tag: "empty object", value: {} },
            { tag: "mixed array", value: [1, "two", null, true, false, 2.5, { a: [] }, [[]]] },
            { tag: "object", value: { int: 42, float: 1.5, str: "s", yes: true, no: false, nothing: null,
                                      list: [1, 2, 3], inner: { deeper: { deepest: [{ x: -1 }] } } } },
            { tag: "unicode keys", value: { "ключ": 1, "😀": "smile", "": "empty key" } },
            { tag: "large array", value: Array.from({ length: 1000 }, (_, i) => i * 3) },
        ];
    }

    function test_roundTrip(data) {
        verifyDeepEqual(echo(data.value), data.value);
    }

    function test_integersStayIntegerNumbers() {
        const result = echo({ small: 42, max: 9007199254740991, min: -9007199254740991, list: [1, 2] });
        for (const key of ["small", "max", "min"]) {
            compare(typeof result[key], "number", key);
            verify(Number.isSafeInteger(result[key]), key);
        }
        compare(result.small, 42);
        compare(result.max, Math.pow(2, 53) - 1);
        compare(result.min, -(Math.pow(2, 53) - 1));
        compare(typeof result.list[0], "number");
        compare(result.small + 1, 43, "arithmetic works: not a string");
    }

    function test_negativeZeroBecomesZeroLikeJsonStringify() {
        verify(Object.is(echo(-0), 0));
        compare(JSON.stringify(-0), "0");
    }

    function test_followsJsonStringifyRules() {
        const input = { keep: 1, undef: undefined, fn: function () {}, list: [undefined, function () {}, 2],
                        nan: NaN, inf: Infinity, ninf: -Infinity };
        const expected = JSON.parse(JSON.stringify(input));
        verifyDeepEqual(echo(input), expected);
        verifyDeepEqual(expected, { keep: 1, list: [null, null, 2], nan: null, inf: null, ninf: null });
    }

    function test_undefinedParamsAreNull() {
        compare(echo(undefined), null);
        compare(awaitValue(bridge.call("echo")), null);
    }

    function test_dateUsesToJSON() {
        const date = new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6));
        compare(echo(date), "2020-01-02T03:04:05.006Z");
        compare(echo({ when: date }).when, date.toJSON());
    }

    function test_customToJSON() {
        verifyDeepEqual(echo({ toJSON: () => ({ replaced: true }) }), { replaced: true });
    }

    function test_qmlListPropertyBecomesArray() {
        verifyDeepEqual(echo(bridge.cliArgs), ["--management"]);
    }

    function test_cyclicParamsRejectProtocolError() {
        const cyclic = { name: "loop" };
        cyclic.self = cyclic;
        const error = awaitError(bridge.call("echo", cyclic));
        compare(error.code, "ProtocolError");
        verify(error.message.indexOf("cyclic") >= 0, error.message);
        verify(bridge.running, "nothing was sent; the bridge is fine");
        const error2 = awaitError(bridge.stream("count", cyclic));
        compare(error2.code, "ProtocolError");
    }

    function test_sharedButAcyclicReferencesAreFine() {
        const shared = { v: 1 };
        verifyDeepEqual(echo({ a: shared, b: shared, list: [shared, shared] }),
                        { a: { v: 1 }, b: { v: 1 }, list: [{ v: 1 }, { v: 1 }] });
    }

    function test_eventDataKeepsTypes() {
        const events = [];
        bridge.eventReceived.connect((name, data) => { if (name === "typed") events.push(data); });
        const data = { n: 42, f: 1.5, s: "é😀", b: false, z: null, a: [1, [2, { c: "3" }]] };
        compare(awaitValue(bridge.call("emit", { name: "typed", data: data })), true);
        compare(events.length, 1);
        verifyDeepEqual(events[0], data);
    }

    function test_streamChunksKeepTypes() {
        const chunks = [];
        const result = awaitValue(bridge.stream("count", { n: 3 }, c => chunks.push(c)));
        verifyDeepEqual(result, { count: 3 });
        verifyDeepEqual(chunks, [{ i: 0 }, { i: 1 }, { i: 2 }]);
    }
}
