// Coroutines: the same request/response flow as the console example, written
// as straight-line code with co_await (QCoro). Nothing blocks: each co_await
// returns to the event loop until the future finishes.
#include <QRustBridge/QRustBridge>
#include <QRustBridge/qrustcoro.h>

#include <QCoroFuture>
#include <QCoroTask>

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonObject>
#include <QtCore/QTimer>

#include <cstdio>

namespace {

// Literals live outside the coroutine: GCC 12 rejects string literals in
// some coroutine bodies ("array used as initializer").
QFuture<QJsonValue> add(QRustBridge &bridge, int a, int b)
{
    return bridge.sendCommand(QStringLiteral("add"), QJsonObject{{QStringLiteral("a"), a}, {QStringLiteral("b"), b}});
}

QRustStream *count(QRustBridge &bridge, int n)
{
    return bridge.sendCommandStreaming(QStringLiteral("count"),
                                       QJsonObject{{QStringLiteral("n"), n}, {QStringLiteral("delayMs"), 10}});
}

int chunkIndex(const QJsonValue &chunk)
{
    return chunk[QStringLiteral("i")].toInt();
}

QFuture<QJsonValue> failOnPurpose(QRustBridge &bridge)
{
    return bridge.sendCommand(QStringLiteral("fail"), QJsonObject{{QStringLiteral("message"), QStringLiteral("expected")}});
}

void report(const char *what, const QString &text)
{
    std::printf("%s -> %s\n", what, qPrintable(text));
}

QCoro::Task<int> run(QRustBridge &bridge)
{
    if (!co_await bridge.spawn()) {
        report("spawn", bridge.lastError().message());
        co_return 1;
    }
    try {
        const QJsonValue sum = co_await add(bridge, 20, 22);
        report("add", QString::number(sum.toInt()));
        // Chunks as a loop: each iteration waits for the next one.
        QRustStream *stream = count(bridge, 3);
        QCORO_FOREACH(const QJsonValue &chunk, QRustCoro::chunks(stream)) {
            std::printf("chunk %d\n", chunkIndex(chunk));
        }
        const QJsonValue total = co_await stream->result();
        report("count", QString::number(total.toObject().value(QLatin1String("count")).toInt()));
        // A remote error arrives as an exception at the co_await.
        co_await failOnPurpose(bridge);
    } catch (const QRustBridgeError &error) {
        report("fail", error.message());
        co_return error.code() == QRustBridgeError::Code::Remote ? 0 : 1;
    }
    co_return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
#ifdef DEMO_BACKEND_PATH
    options.binaryPath = QStringLiteral(DEMO_BACKEND_PATH);
#endif
    QRustBridge bridge(options);
    int exitCode = 1;
    QTimer::singleShot(0, &app, [&] {
        QCoro::connect(run(bridge), &app, [&](int code) {
            exitCode = code;
            app.quit();
        });
    });
    app.exec();
    return exitCode;
}
