// The header generated from the built demo backend's --describe (see
// CMakeLists.txt): it compiles, its schema is the one the backend announces,
// and its typed commands work against the backend.

#include "demo_live_commands.h"

#include "../../shared/testsupport.h"

#include <QtTest/QtTest>

class TestCodegenLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void schemaMatchesTheRunningBackend();
    void typedCommands();
};

void TestCodegenLive::schemaMatchesTheRunningBackend()
{
    QRB_VERIFY_DEMO_BACKEND();
    QCOMPARE(QString::fromLatin1(DemoLive::backend), QStringLiteral("demo-backend"));
    QCOMPARE(qstrlen(DemoLive::schema), size_t(16));
    QRustBridgeOptions options = TestSupport::demoOptions();
    // A mismatch would fail the start with SchemaMismatch.
    DemoLive::expectSchema(options, true);
    QRustBridge bridge(options);
    QRB_SPAWN(bridge);
    QFuture<QJsonValue> described = bridge.sendCommand(QStringLiteral("$/describe"));
    QVERIFY(TestSupport::waitForFinished(described, 10000));
    QCOMPARE(described.result().toObject().value(QStringLiteral("schema")).toString(),
             QString::fromLatin1(DemoLive::schema));
}

void TestCodegenLive::typedCommands()
{
    QRB_VERIFY_DEMO_BACKEND();
    QRustBridgeOptions options = TestSupport::demoOptions();
    DemoLive::expectSchema(options, true);
    QRustBridge bridge(options);
    QRB_SPAWN(bridge);

    DemoLive::AddParams add;
    add.a = 2;
    add.b = 0.5;
    QFuture<double> sum = bridge.send<DemoLive::Add>(add);
    QVERIFY(TestSupport::waitForFinished(sum, 10000));
    QCOMPARE(TestSupport::errorOf(sum).code(), QRustBridgeError::Code::NoError);
    QCOMPARE(sum.result(), 2.5);

    DemoLive::CountParams params;
    params.n = 3; // delayMs left out: the backend's #[serde(default)] applies
    QList<quint64> chunks;
    QFuture<DemoLive::CountResult> count = qRustSendStreaming<DemoLive::Count>(
        bridge, params, this, [&chunks](const DemoLive::CountChunk &chunk) { chunks.append(chunk.i); });
    QVERIFY(TestSupport::waitForFinished(count, 10000));
    QCOMPARE(TestSupport::errorOf(count).code(), QRustBridgeError::Code::NoError);
    QCOMPARE(count.result().count, quint64(3));
    QCOMPARE(chunks, (QList<quint64>{0, 1, 2}));

    DemoLive::DeferParams defer;
    defer.ms = 1;
    QFuture<DemoLive::Deferred> deferred = bridge.send<DemoLive::Defer>(defer);
    QVERIFY(TestSupport::waitForFinished(deferred, 10000));
    QCOMPARE(deferred.result().deferred, quint64(1));
}

QTEST_GUILESS_MAIN(TestCodegenLive)
#include "tst_codegenlive.moc"
