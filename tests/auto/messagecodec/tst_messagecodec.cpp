// Proves the wire format of docs/protocol.md: requests serialize byte-compatibly,
// every inbound shape decodes to the right message, and bad lines are refused.
#include "jsonwriter_p.h"
#include "largebuffer_p.h"
#include "messagecodec_p.h"
#include "requestsizeprobe_p.h"

#include <QtCore/QCborArray>
#include <QtCore/QCborValue>
#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>

class tst_MessageCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sizeProbeAgreesWithTheWriter_data();
    void sizeProbeAgreesWithTheWriter();
    void sizeProbeStopsEarlyOnHugeArrays();
    void encodesRequest_data();
    void encodesRequest();
    void requestRoundTripsThroughJson();
    void decodesResponses();
    void decodesStructuredErrors_data();
    void decodesStructuredErrors();
    void decodesChunkAndEvent();
    void flagsMalformedResponse();
    void refusesUnusableLines_data();
    void refusesUnusableLines();
    void encodesLikeQtJsonWriter_data();
    void encodesLikeQtJsonWriter();
    void decodesLikeQtJsonParser_data();
    void decodesLikeQtJsonParser();
    void largeBufferGrowsWithoutMovingBytes();
};

void tst_MessageCodec::encodesRequest_data()
{
    QTest::addColumn<QJsonValue>("params");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("object") << QJsonValue(QJsonObject{{QStringLiteral("a"), 1}})
                            << QByteArray("{\"id\":\"7\",\"method\":\"m\\\"x\",\"params\":{\"a\":1}}\n");
    QTest::newRow("array") << QJsonValue(QJsonArray{1, 2})
                           << QByteArray("{\"id\":\"7\",\"method\":\"m\\\"x\",\"params\":[1,2]}\n");
    QTest::newRow("string") << QJsonValue(QStringLiteral("s\n"))
                            << QByteArray("{\"id\":\"7\",\"method\":\"m\\\"x\",\"params\":\"s\\n\"}\n");
    QTest::newRow("number") << QJsonValue(2.5) << QByteArray("{\"id\":\"7\",\"method\":\"m\\\"x\",\"params\":2.5}\n");
    QTest::newRow("null") << QJsonValue() << QByteArray("{\"id\":\"7\",\"method\":\"m\\\"x\",\"params\":null}\n");
    QTest::newRow("bool") << QJsonValue(true) << QByteArray("{\"id\":\"7\",\"method\":\"m\\\"x\",\"params\":true}\n");
}

void tst_MessageCodec::encodesRequest()
{
    QFETCH(QJsonValue, params);
    QFETCH(QByteArray, expected);
    QByteArray out;
    MessageCodec::appendRequest(out, OutboundRequest{7, QStringLiteral("m\"x"), params});
    QCOMPARE(out, expected);
}

void tst_MessageCodec::requestRoundTripsThroughJson()
{
    const QJsonObject params{{QStringLiteral("text"), QStringLiteral("ä€😀\t")},
                             {QStringLiteral("list"), QJsonArray{1, QStringLiteral("x"), QJsonValue::Null}}};
    QByteArray out;
    MessageCodec::appendRequest(out, OutboundRequest{42, QStringLiteral("echo"), params});
    QVERIFY(out.endsWith('\n'));
    QCOMPARE(out.count('\n'), 1);
    const QJsonObject parsed = QJsonDocument::fromJson(out).object();
    QCOMPARE(parsed.value(QStringLiteral("id")).toString(), QStringLiteral("42"));
    QCOMPARE(parsed.value(QStringLiteral("method")).toString(), QStringLiteral("echo"));
    QCOMPARE(parsed.value(QStringLiteral("params")).toObject(), params);
}

void tst_MessageCodec::decodesResponses()
{
    InboundMessage ok;
    QString problem;
    QVERIFY(MessageCodec::decode("{\"id\":\"3\",\"success\":true,\"result\":{\"x\":[1]}}", ok, problem));
    QCOMPARE(ok.kind, InboundMessage::Kind::Response);
    QCOMPARE(ok.id, quint64(3));
    QVERIFY(ok.success);
    QCOMPARE(ok.value.toObject().value(QStringLiteral("x")).toArray().at(0).toInt(), 1);

    InboundMessage failed;
    QVERIFY(MessageCodec::decode("{\"id\":\"4\",\"success\":false,\"error\":\"boom\"}", failed, problem));
    QCOMPARE(failed.kind, InboundMessage::Kind::Response);
    QVERIFY(!failed.success);
    QCOMPARE(failed.value.toString(), QStringLiteral("boom"));

    InboundMessage objectError;
    QVERIFY(MessageCodec::decode("{\"id\":\"5\",\"success\":false,\"error\":{\"code\":2}}", objectError, problem));
    QCOMPARE(objectError.value.toString(), QStringLiteral("{\"code\":2}"));
}

void tst_MessageCodec::decodesStructuredErrors_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("hasDetail");
    QTest::addColumn<QString>("remoteCode");
    QTest::addColumn<QJsonValue>("remoteData");

    const QJsonValue undefined(QJsonValue::Undefined);
    QTest::newRow("plain smartrust error: no detail")
        << QByteArray(R"({"id":"4","success":false,"error":"boom"})") << "boom" << false << QString() << undefined;
    QTest::newRow("code and object data")
        << QByteArray(R"({"id":"4","success":false,"error":"no such file","errorCode":"not_found","errorData":{"path":"/x"}})")
        << "no such file" << true << "not_found" << QJsonValue(QJsonObject{{QStringLiteral("path"), QStringLiteral("/x")}});
    QTest::newRow("keys before error")
        << QByteArray(R"({"errorData":[1,2],"errorCode":"busy","id":"4","success":false,"error":"wait"})")
        << "wait" << true << "busy" << QJsonValue(QJsonArray{1, 2});
    QTest::newRow("code only")
        << QByteArray(R"({"id":"4","success":false,"error":"e","errorCode":"denied"})") << "e" << true << "denied" << undefined;
    QTest::newRow("data only, null")
        << QByteArray(R"({"id":"4","success":false,"error":"e","errorData":null})") << "e" << true << QString()
        << QJsonValue(QJsonValue::Null);
    QTest::newRow("numeric code is malformed: empty")
        << QByteArray(R"({"id":"4","success":false,"error":"e","errorCode":42})") << "e" << false << QString() << undefined;
    QTest::newRow("object code is malformed: empty, data kept")
        << QByteArray(R"({"id":"4","success":false,"error":"e","errorCode":{"a":1},"errorData":7})") << "e" << true
        << QString() << QJsonValue(7);
    QTest::newRow("detail on a success is ignored")
        << QByteArray(R"({"id":"4","success":true,"result":1,"errorCode":"x"})") << QString() << false << QString() << undefined;
}

void tst_MessageCodec::decodesStructuredErrors()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, message);
    QFETCH(bool, hasDetail);
    QFETCH(QString, remoteCode);
    QFETCH(QJsonValue, remoteData);

    InboundMessage decoded;
    QString problem;
    QVERIFY2(MessageCodec::decode(line, decoded, problem), qPrintable(problem));
    QCOMPARE(decoded.kind, InboundMessage::Kind::Response);
    QCOMPARE(decoded.id, quint64(4));
    if (!decoded.success)
        QCOMPARE(decoded.value.toString(), message);
    QCOMPARE(bool(decoded.errorDetail), hasDetail);
    QCOMPARE(decoded.error().remoteCode(), remoteCode);
    QCOMPARE(decoded.error().remoteData(), remoteData);
}

void tst_MessageCodec::decodesChunkAndEvent()
{
    InboundMessage chunk;
    QString problem;
    QVERIFY(MessageCodec::decode("{\"id\":\"9\",\"stream\":true,\"data\":5}", chunk, problem));
    QCOMPARE(chunk.kind, InboundMessage::Kind::Chunk);
    QCOMPARE(chunk.id, quint64(9));
    QCOMPARE(chunk.value.toInt(), 5);

    InboundMessage event;
    QVERIFY(MessageCodec::decode("{\"event\":\"tick\",\"data\":[1,2]}", event, problem));
    QCOMPARE(event.kind, InboundMessage::Kind::Event);
    QCOMPARE(event.text, QStringLiteral("tick"));
    QCOMPARE(event.value.toArray().size(), 2);
}

void tst_MessageCodec::flagsMalformedResponse()
{
    // The request is known, so it must fail now rather than run into its timeout.
    for (const char *line : {"{\"id\":\"1\",\"result\":1}", "{\"id\":\"1\",\"success\":\"yes\"}"}) {
        InboundMessage message;
        QString problem;
        QVERIFY(MessageCodec::decode(line, message, problem));
        QCOMPARE(message.kind, InboundMessage::Kind::RequestFailed);
        QCOMPARE(message.id, quint64(1));
        QCOMPARE(message.error().code(), QRustBridgeError::Code::ProtocolError);
    }
}

void tst_MessageCodec::refusesUnusableLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::newRow("not json") << QByteArray("hello from println!");
    QTest::newRow("truncated") << QByteArray("{\"id\":\"1\",");
    QTest::newRow("number") << QByteArray("42");
    QTest::newRow("array") << QByteArray("[]");
    QTest::newRow("string") << QByteArray("\"x\"");
    QTest::newRow("invalid utf8") << QByteArray("{\"event\":\"\xff\xfe\"}");
    QTest::newRow("nameless event") << QByteArray("{\"event\":\"\",\"data\":1}");
    QTest::newRow("numeric id") << QByteArray("{\"id\":1,\"success\":true}");
    QTest::newRow("foreign id") << QByteArray("{\"id\":\"abc\",\"success\":true}");
    QTest::newRow("neither") << QByteArray("{\"hello\":1}");
}

void tst_MessageCodec::refusesUnusableLines()
{
    QFETCH(QByteArray, line);
    InboundMessage message;
    QString problem;
    QVERIFY(!MessageCodec::decode(line, message, problem));
    QVERIFY(!problem.isEmpty());
}

// Requests are written without QJsonDocument; the bytes must still be
// exactly what QJsonDocument::toJson(Compact) writes.
void tst_MessageCodec::encodesLikeQtJsonWriter_data()
{
    QTest::addColumn<QJsonValue>("params");
    const QString controls = [] {
        QString s;
        for (char16_t c = 0; c < 0x20; ++c)
            s += QChar(c);
        return s + QStringLiteral("\"\\/\x7f");
    }();
    QTest::newRow("controls and quotes") << QJsonValue(controls);
    QTest::newRow("unicode") << QJsonValue(QStringLiteral("äöü €  \U0001F600 ∑"));
    QTest::newRow("lone surrogates") << QJsonValue(QString(QChar(0xd800)) + QLatin1Char('x') + QChar(0xdc00)
                                                   + QChar(0xdbff));
    QTest::newRow("empty string") << QJsonValue(QString());
    QTest::newRow("integers") << QJsonValue(QJsonArray{0, -1, qint64(1) << 53, std::numeric_limits<qint64>::max(),
                                                       std::numeric_limits<qint64>::min()});
    QTest::newRow("doubles") << QJsonValue(QJsonArray{0.1, -2.5, 1e300, 4611686018427387904.0, 1e-7, 2.0});
    QTest::newRow("nested") << QJsonValue(QJsonObject{
        {QStringLiteral("k\"ey\n"), QJsonArray{QJsonObject{}, QJsonArray{}, QJsonValue::Null, true, false}},
        {QStringLiteral("b"), QJsonObject{{QStringLiteral("x"), QStringLiteral("y")}}},
        {QStringLiteral("a"), 1}});
    // Every character escaped: the output is twice as long as the optimistic estimate.
    QTest::newRow("grows: quotes") << QJsonValue(QString(100000, QLatin1Char('"')));
    QTest::newRow("grows: controls") << QJsonValue(QString(100000, QChar(1)));
    QTest::newRow("grows: CJK") << QJsonValue(QString(100000, QChar(0x4e2d)));
    QTest::newRow("large ascii") << QJsonValue(QJsonObject{{QStringLiteral("s"), QString(3 << 20, QLatin1Char('x'))}});
    // Inside objects and arrays, strings are read from Qt's storage as UTF-8,
    // where a lone surrogate has become '?': a '?' must send the string the
    // careful way, and a real '?' must survive that.
    QTest::newRow("question marks") << QJsonValue(QStringLiteral("?a??b?") + QString(40, QLatin1Char('?')));
    QTest::newRow("lone surrogate beside ascii")
        << QJsonValue(QStringLiteral("a?b") + QChar(0xd800) + QStringLiteral("c"));
    QTest::newRow("large ascii, escapes at the end")
        << QJsonValue(QString(100000, QLatin1Char('x')) + QStringLiteral("\"\\\n\x01?"));
    QTest::newRow("large ascii, one escape in each 16-byte run") << QJsonValue([] {
        QString s;
        for (int i = 0; i < 10000; ++i)
            s += QStringLiteral("0123456789abcde") + QChar(i % 2 ? u'"' : u'\x1f');
        return s;
    }());
    QTest::newRow("large unicode") << QJsonValue(QString(50000, QChar(0xe9)) + QStringLiteral("\U0001F600\t"));
    // The byte scanner's every exit: UTF-8 then plain ASCII, DEL, an escape
    // right after UTF-8, and plain runs shorter and longer than 16 bytes.
    QTest::newRow("large mixed: UTF-8, DEL, ASCII, escapes") << QJsonValue([] {
        QString s;
        for (int i = 0; i < 5000; ++i)
            s += QStringLiteral("\u00e4b\"c\u20ac\u007f0123456789abcdefgh\u00e9\\\u0001") + QString(i % 20, QLatin1Char('z'));
        return QJsonObject{{QStringLiteral("s"), s}, {QStringLiteral("a"), QJsonArray{s, s.left(100)}}};
    }());
}

void tst_MessageCodec::encodesLikeQtJsonWriter()
{
    QFETCH(QJsonValue, params);
    // A bare value, and the same value inside an object (also as a key) and an
    // array: strings take different paths there (see JsonWriter).
    const QJsonValue wrappings[] = {
        params,
        QJsonObject{{QStringLiteral("k"), params},
                    {params.isString() ? params.toString() : QStringLiteral("key"), QStringLiteral("v")}},
        QJsonArray{params, QStringLiteral("after"), params},
    };
    JsonWriter writer;  // one writer for all: it keeps state between strings
    for (const QJsonValue &value : wrappings) {
        QByteArray out = "prefix";
        MessageCodec::appendRequest(out, OutboundRequest{7, QStringLiteral("m"), value}, writer);
        const QByteArray expected = "prefix{\"id\":\"7\",\"method\":\"m\",\"params\":"
            + QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).chopped(1).mid(1) + "}\n";
        QCOMPARE(out.size(), expected.size());
        QVERIFY(out == expected);
    }
}

// Successful responses and chunks skip the envelope parse, whatever the
// order of their members; whatever the line, the message must be what the
// general path makes of it.
void tst_MessageCodec::decodesLikeQtJsonParser_data()
{
    QTest::addColumn<QByteArray>("line");
    const QByteArray values[] = {
        "{\"i\":17}", "[1,[2],{}]", "{}", "[]", "5", "-12", "0", "-0", "123456789012345", "1234567890123456",
        "12345678901234567890123", "01", "1.5", "-2e3", "true", "false", "null", "\"\"", "\"plain ascii ~\"",
        "\"tab\tinside\"", "\"esc\\\"aped\"", "\"\\u00e4\"", "\"\xc3\xa4 utf8\"", "\"\xff bad utf8\"",
        " {\"i\" : 1} ", "\"unterminated", "{\"i\":1},\"x\":2", "\"a\",\"x\":\"b\"", "1,\"x\":2", "tru",
        "{\"nested\":{\"deep\":[true,null]}}", "",
        "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null,\"e\":false,\"f\":-7}", "{\"a\":1,\"a\":2}",
        "{\"a\":1,}", "{\"a\":}", "{\"a\" :1}", "{\"a\":1 }", "{\"k\\\"\":1}", "{\"\xc3\xa4\":1}", "{\"\":0}",
        "{\"a\":1.5}", "{\"a\":12345678901234567}", "{\"a\":\"\\n\"}", "{\"a\":\"\x7f\"}", "{\"a\":tru}",
        "{\"b\":2,\"a\":1}", "{\"a\":[1]}", "{\"a\":1", "\"\x7f\"", "\"0123456789abcdef0123456789abcdef\\\"\"",
    };
    for (const QByteArray &value : values) {
        // Our crate's member order, serde_json's sorted one (json!), another,
        // and one with spaces everywhere JSON allows them.
        for (const char *envelope : {"{\"id\":\"42\",\"stream\":true,\"data\":%1}",
                                     "{\"id\":\"42\",\"success\":true,\"result\":%1}",
                                     "{\"data\":%1,\"id\":\"42\",\"stream\":true}",
                                     "{\"id\":\"42\",\"result\":%1,\"success\":true}",
                                     "{\"success\":true,\"result\":%1,\"id\":\"42\"}",
                                     " { \"stream\" : true , \"data\" : %1 , \"id\" : \"42\" } "}) {
            const QByteArray line = QByteArray(envelope).replace("%1", value);
            QTest::newRow(line.constData()) << line;
        }
    }
    QTest::newRow("trailing CR") << QByteArray("{\"id\":\"3\",\"success\":true,\"result\":1}\r");
    QTest::newRow("leading zeros") << QByteArray("{\"id\":\"007\",\"success\":true,\"result\":1}");
    QTest::newRow("19-digit id") << QByteArray("{\"id\":\"9999999999999999999\",\"success\":true,\"result\":1}");
    QTest::newRow("20-digit id") << QByteArray("{\"id\":\"18446744073709551615\",\"success\":true,\"result\":1}");
    QTest::newRow("id overflow") << QByteArray("{\"id\":\"18446744073709551616\",\"success\":true,\"result\":1}");
    QTest::newRow("empty id") << QByteArray("{\"id\":\"\",\"success\":true,\"result\":1}");
    QTest::newRow("signed id") << QByteArray("{\"id\":\"+4\",\"success\":true,\"result\":1}");
    QTest::newRow("success false") << QByteArray("{\"id\":\"3\",\"success\":false,\"error\":\"x\"}");
    QTest::newRow("stream false") << QByteArray("{\"id\":\"3\",\"stream\":false,\"data\":1}");
    QTest::newRow("event key too") << QByteArray("{\"id\":\"3\",\"success\":true,\"result\":1,\"event\":\"e\"}");
    QTest::newRow("no closing brace") << QByteArray("{\"id\":\"3\",\"success\":true,\"result\":1");
    QTest::newRow("id twice") << QByteArray("{\"id\":\"3\",\"id\":\"4\",\"success\":true,\"result\":1}");
    QTest::newRow("result twice") << QByteArray("{\"id\":\"3\",\"result\":1,\"success\":true,\"result\":2}");
    QTest::newRow("no data") << QByteArray("{\"id\":\"3\",\"stream\":true}");
    QTest::newRow("no result") << QByteArray("{\"success\":true,\"id\":\"3\"}");
    QTest::newRow("stream and success") << QByteArray("{\"id\":\"3\",\"stream\":true,\"success\":true,\"data\":1}");
    QTest::newRow("data in a response") << QByteArray("{\"id\":\"3\",\"success\":true,\"data\":1}");
    QTest::newRow("numeric id") << QByteArray("{\"data\":1,\"id\":3,\"stream\":true}");
    QTest::newRow("extra key first") << QByteArray("{\"x\":0,\"data\":1,\"id\":\"3\",\"stream\":true}");
    QTest::newRow("escaped key") << QByteArray("{\"d\\u0061ta\":1,\"id\":\"3\",\"stream\":true}");
    QTest::newRow("value ends in backslashes") << QByteArray("{\"data\":\"a\\\\\",\"id\":\"3\",\"stream\":true}");
    QTest::newRow("escaped quote in value") << QByteArray("{\"data\":[\"a\\\"],\",\"b\"],\"id\":\"3\",\"stream\":true}");
    QTest::newRow("unclosed value") << QByteArray("{\"data\":[1,{\"a\":2},\"id\":\"3\",\"stream\":true}");
    QTest::newRow("brackets crossed") << QByteArray("{\"data\":[1},\"id\":\"3\",\"stream\":true}");
    QTest::newRow("text after the object") << QByteArray("{\"data\":1,\"id\":\"3\",\"stream\":true} x");
    QTest::newRow("missing comma") << QByteArray("{\"data\":1 \"id\":\"3\",\"stream\":true}");
    QTest::newRow("large string") << "{\"id\":\"8\",\"success\":true,\"result\":\"" + QByteArray(1 << 20, 'x') + "\"}";
    // Big objects: the envelope fast path, the value through Qt's parser.
    const QByteArray big(8192, 'x');
    for (const QByteArray &object :
         {"{\"s\":\"" + big + "\"}", "{\"b\":\"" + big + "\",\"a\":1,\"c\":null}", "{\"s\":\"" + big + "\",\"s\":1}",
          "{\"s\":\"" + big + "\\n\"}", "{\"s\":\"" + big + "\",\"n\":[1]}", "{\"s\":\"" + big + "\" }",
          "{\"s\":\"" + big + "\xc3\xa4\"}", "{\"s\":\"" + big + "\",}"}) {
        QTest::newRow(("big object " + object.right(12)).constData())
            << "{\"id\":\"8\",\"success\":true,\"result\":" + object + "}";
    }
}

void tst_MessageCodec::decodesLikeQtJsonParser()
{
    // Every row is checked against what the protocol says Qt's parser's
    // reading of the line means: no row returns without a comparison.
    QFETCH(QByteArray, line);
    InboundMessage message;
    QString problem;
    const bool decoded = MessageCodec::decode(line, message, problem);

    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        QVERIFY2(!decoded, "the general path refuses this line");
        QVERIFY(!problem.isEmpty());
        return;
    }
    const QJsonObject object = document.object();
    if (object.contains(QLatin1String("event"))) {
        // An event key wins over id and success.
        QVERIFY(decoded);
        QCOMPARE(message.kind, InboundMessage::Kind::Event);
        QCOMPARE(message.text, object.value(QLatin1String("event")).toString());
        QCOMPARE(message.value, object.value(QLatin1String("data")));
        return;
    }
    bool idOk = false;
    const quint64 id = object.value(QLatin1String("id")).toString().toULongLong(&idOk);
    if (!idOk) {
        QVERIFY2(!decoded, "an id this bridge never sent is refused");
        QVERIFY(problem.contains(QLatin1String("id")));
        return;
    }
    QVERIFY(decoded);
    QCOMPARE(message.id, id);
    if (object.value(QLatin1String("stream")).toBool()) {
        QCOMPARE(message.kind, InboundMessage::Kind::Chunk);
        QCOMPARE(message.value, object.value(QLatin1String("data")));
    } else if (!object.value(QLatin1String("success")).isBool()) {
        QCOMPARE(message.kind, InboundMessage::Kind::RequestFailed);
        QCOMPARE(message.error().code(), QRustBridgeError::Code::ProtocolError);
    } else if (object.value(QLatin1String("success")).toBool()) {
        QCOMPARE(message.kind, InboundMessage::Kind::Response);
        QVERIFY(message.success);
        QCOMPARE(message.value, object.value(QLatin1String("result")));
        // Integer and double are both QJsonValue::Double; CBOR tells them apart.
        QCOMPARE(QCborValue::fromJsonValue(message.value).type(),
                 QCborValue::fromJsonValue(object.value(QLatin1String("result"))).type());
    } else {
        QCOMPARE(message.kind, InboundMessage::Kind::Response);
        QVERIFY(!message.success);
        QCOMPARE(message.value, object.value(QLatin1String("error")));
    }
}

// Queues and batches of messages are std::vectors: a move that may throw
// makes every reallocation copy each message instead. Compile-time checks
// (a runtime QVERIFY of a constant could never fail); messages_p.h asserts
// the same for InboundMessage and OutboundRequest, which carry this error.
static_assert(std::is_nothrow_move_constructible_v<QRustBridgeError>);
static_assert(std::is_nothrow_move_assignable_v<QRustBridgeError>);

// The buffers that hold big lines and requests: reserving keeps the bytes,
// leaves the asked room, detaches a shared buffer, and the appends that
// follow fit without another allocation.
void tst_MessageCodec::largeBufferGrowsWithoutMovingBytes()
{
    QByteArray buffer = "abc";
    const QByteArray shared = buffer;
    const qsizetype extra = 10 * 1024 * 1024;
    LargeBuffer::reserveForAppend(buffer, extra);
    QCOMPARE(buffer, QByteArray("abc"));
    QCOMPARE(shared, QByteArray("abc"));
    QVERIFY(buffer.capacity() >= 3 + extra);
    const char *const data = buffer.constData();
    buffer.append(QByteArray(extra, 'x'));
    buffer.append("}\n");  // what follows a big string must fit too
    QCOMPARE(buffer.constData(), data);
    QCOMPARE(buffer.size(), 3 + extra + 2);

    // Room already there: nothing happens.
    LargeBuffer::reserveForAppend(buffer, 1);
    QCOMPARE(buffer.constData(), data);
}

QTEST_GUILESS_MAIN(tst_MessageCodec)
// The bridge's thread serializes a request itself only if the probe says it
// fits the budget: it must never call a big request small.
void tst_MessageCodec::sizeProbeAgreesWithTheWriter_data()
{
    QTest::addColumn<QJsonValue>("params");
    const QString ascii(100 * 1024, QLatin1Char('x'));
    const QString nonAscii(40 * 1024, QChar(0x00e9));  // two UTF-8 bytes each
    QJsonArray numbers;
    for (int i = 0; i < 20000; ++i)
        numbers.append(i);
    QTest::newRow("small object") << QJsonValue(QJsonObject{{QStringLiteral("a"), 1}, {QStringLiteral("s"), QStringLiteral("hi")}});
    QTest::newRow("long ASCII string in an object") << QJsonValue(QJsonObject{{QStringLiteral("s"), ascii}});
    QTest::newRow("long non-ASCII string in an array") << QJsonValue(QJsonArray{nonAscii});
    QTest::newRow("long bare string") << QJsonValue(ascii);
    QTest::newRow("many numbers") << QJsonValue(numbers);
    QTest::newRow("nested") << QJsonValue(QJsonObject{{QStringLiteral("a"), QJsonArray{QJsonObject{{ascii, 1}}}}});
    QTest::newRow("null") << QJsonValue();
}

void tst_MessageCodec::sizeProbeAgreesWithTheWriter()
{
    QFETCH(QJsonValue, params);
    JsonWriter writer;
    QByteArray written;
    writer.appendValue(written, params);
    RequestSizeProbe probe;
    for (const qint64 budget : {qint64(16), qint64(1024), qint64(64 * 1024), qint64(1024 * 1024)}) {
        if (written.size() > budget)
            QVERIFY2(probe.exceeds(params, budget), qPrintable(QStringLiteral("%1 bytes, budget %2").arg(written.size()).arg(budget)));
    }
}

void tst_MessageCodec::sizeProbeStopsEarlyOnHugeArrays()
{
    // 2 million elements: the probe answers after about budget / 2 of them.
    QCborArray huge;
    for (int i = 0; i < 2000000; ++i)
        huge.append(i);
    const QJsonValue params = huge.toJsonArray();
    RequestSizeProbe probe;
    QElapsedTimer timer;
    timer.start();
    QVERIFY(probe.exceeds(params, 64 * 1024));
    QVERIFY(!probe.exceeds(QJsonArray{1, 2, 3}, 64 * 1024));
    qInfo("probe of 2 000 000 numbers: %lld ms", qint64(timer.elapsed()));
}

#include "tst_messagecodec.moc"
