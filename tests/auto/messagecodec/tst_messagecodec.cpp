// Proves the wire format of DESIGN.md §1: requests serialize byte-compatibly,
// every inbound shape decodes to the right message, and bad lines are refused.
#include "messagecodec_p.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>

class tst_MessageCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void encodesRequest_data();
    void encodesRequest();
    void requestRoundTripsThroughJson();
    void decodesResponses();
    void decodesChunkAndEvent();
    void flagsMalformedResponse();
    void refusesUnusableLines_data();
    void refusesUnusableLines();
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
        QCOMPARE(message.error.code(), QRustBridgeError::Code::ProtocolError);
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

QTEST_GUILESS_MAIN(tst_MessageCodec)
#include "tst_messagecodec.moc"
