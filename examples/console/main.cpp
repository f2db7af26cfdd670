// The console demo: drives the Rust demo backend through every feature and
// prints what happens. Run `qrustbridge-console --help` for the options.
//
// A console program may simply wait for each reply (await() below); a GUI
// would chain QFuture::then(this, ...) instead and never block.
#include <QRustBridge/QRustBridge>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFutureWatcher>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

namespace {

QTextStream out(stdout);

QString toText(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

template <typename T>
void await(const QFuture<T> &future)
{
    if (future.isFinished())
        return;
    QFutureWatcher<T> watcher;
    QEventLoop loop;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(future);
    loop.exec();
}

// Sends one request, prints it and its outcome; returns false on failure.
bool call(QRustBridge &bridge, const QString &method, const QJsonValue &params = {})
{
    out << "-> " << method << ' ' << toText(params) << Qt::endl;
    QElapsedTimer timer;
    timer.start();
    QFuture<QJsonValue> reply = bridge.sendCommand(method, params);
    await(reply);
    try {
        const QJsonValue result = reply.result();
        out << "<- " << toText(result) << "  (" << timer.nsecsElapsed() / 1000 << " us)" << Qt::endl;
        return true;
    } catch (const QRustBridgeError &error) {
        out << "<- error " << QRustBridgeError::codeName(error.code()) << ": " << error.message() << Qt::endl;
        return false;
    }
}

// Many small requests at once: the callback overload of sendCommand() costs
// no QFuture per request. Each handler runs once, in this thread.
bool sumWithReplyHandlers(QRustBridge &bridge, int count)
{
    QEventLoop loop;
    QElapsedTimer timer;
    timer.start();
    int answered = 0;
    qint64 sum = 0;
    QString firstError;
    for (int i = 1; i <= count; ++i) {
        bridge.sendCommand(QStringLiteral("add"), QJsonObject{{QStringLiteral("a"), i}, {QStringLiteral("b"), 0}},
                           &loop, [&](const QJsonValue &result, const QRustBridgeError &error) {
                               if (error.isError() && firstError.isEmpty())
                                   firstError = error.message();
                               sum += result.toInteger();
                               if (++answered == count)
                                   loop.quit();
                           });
    }
    loop.exec();
    const qint64 expected = qint64(count) * (count + 1) / 2;
    out << "<- " << answered << " replies, sum " << sum << " (expected " << expected << ")  ("
        << timer.nsecsElapsed() / 1000 << " us)" << Qt::endl;
    if (!firstError.isEmpty())
        out << "<- error: " << firstError << Qt::endl;
    return sum == expected && firstError.isEmpty();
}

int measureRoundTrips(QRustBridge &bridge, int count)
{
    const QJsonObject payload{{QStringLiteral("data"), QString(80, QLatin1Char('x'))}};
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), payload);
        await(reply);
        if (reply.result() != payload)
            return 1;
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    out << "sequential echo: " << count << " round trips in " << QString::number(seconds * 1000, 'f', 1)
        << " ms = " << qRound(count / seconds) << " msg/s" << Qt::endl;
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qrustbridge-console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Drives the QRustBridge Rust demo backend and prints each step."));
    parser.addHelpOption();
    const QCommandLineOption backendOption(QStringLiteral("backend"), QStringLiteral("Path of the demo backend."),
                                           QStringLiteral("path"));
    const QCommandLineOption socketOption(QStringLiteral("socket"),
                                          QStringLiteral("Connect to a running `demo-backend --socket PATH` instead of spawning."),
                                          QStringLiteral("path"));
    const QCommandLineOption benchOption(QStringLiteral("bench"), QStringLiteral("Only measure N sequential echo round trips."),
                                         QStringLiteral("n"));
    parser.addOptions({backendOption, socketOption, benchOption});
    parser.process(app);

    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    // A path typed on the command line means the working directory; the
    // library never resolves against it by itself, so make it absolute here.
    if (parser.isSet(backendOption))
        options.binaryPath = QFileInfo(parser.value(backendOption)).absoluteFilePath();
    options.envVarName = QStringLiteral("QRUSTBRIDGE_DEMO_BACKEND");
#ifdef DEMO_BACKEND_DIR
    options.localPaths << QStringLiteral(DEMO_BACKEND_DIR);
#endif
    options.cancelMethod = QStringLiteral("$/cancel");
    options.requestTimeoutMs = 10000;

    QRustBridge bridge(options);
    QObject::connect(&bridge, &QRustBridge::eventReceived, &app, [](const QString &name, const QJsonValue &data) {
        out << "   event " << name << ' ' << toText(data) << Qt::endl;
    });
    QObject::connect(&bridge, &QRustBridge::standardErrorLine, &app,
                     [](const QString &line) { out << "   stderr: " << line << Qt::endl; });
    QObject::connect(&bridge, &QRustBridge::stateChanged, &app, [](QRustBridge::State state) {
        out << "   state: " << QVariant::fromValue(state).toString() << Qt::endl;
    });
    QObject::connect(&bridge, &QRustBridge::exited, &app, [](int code, QProcess::ExitStatus) {
        out << "   backend exited with code " << code << Qt::endl;
    });

    const bool useSocket = parser.isSet(socketOption);
    out << (useSocket ? QStringLiteral("connecting to ") + parser.value(socketOption) : QStringLiteral("spawning demo-backend"))
        << Qt::endl;
    QFuture<bool> started = useSocket ? bridge.connectToServer(parser.value(socketOption)) : bridge.spawn();
    await(started);
    if (!started.result()) {
        out << "could not start: " << bridge.lastError().message() << Qt::endl;
        return 1;
    }
    out << "ready" << (bridge.processId() ? QStringLiteral(" (pid %1)").arg(bridge.processId()) : QString())
        << Qt::endl;

    if (parser.isSet(benchOption))
        return measureRoundTrips(bridge, parser.value(benchOption).toInt());

    bool ok = call(bridge, QStringLiteral("echo"), QJsonObject{{QStringLiteral("hello"), QStringLiteral("world")}});
    ok = call(bridge, QStringLiteral("add"), QJsonObject{{QStringLiteral("a"), 2}, {QStringLiteral("b"), 40}}) && ok;
    // An error answer is an expected outcome here, not a failure of the demo.
    call(bridge, QStringLiteral("fail"), QJsonObject{{QStringLiteral("message"), QStringLiteral("this one fails on purpose")}});
    ok = call(bridge, QStringLiteral("emit"), QJsonObject{{QStringLiteral("name"), QStringLiteral("tick")}, {QStringLiteral("count"), 3}}) && ok;
    ok = call(bridge, QStringLiteral("stderr"), QJsonObject{{QStringLiteral("text"), QStringLiteral("hello from the backend's stderr")}}) && ok;

    out << "-> count (stream of 5 chunks, 20 ms apart)" << Qt::endl;
    QRustStream *stream = bridge.sendCommandStreaming(
        QStringLiteral("count"), QJsonObject{{QStringLiteral("n"), 5}, {QStringLiteral("delayMs"), 20}});
    QObject::connect(stream, &QRustStream::chunkReceived, &app,
                     [](const QJsonValue &chunk) { out << "   chunk " << toText(chunk) << Qt::endl; });
    await(stream->result());
    try {
        const QJsonValue result = stream->result().result();
        out << "<- " << toText(result) << Qt::endl;
    } catch (const QRustBridgeError &error) {
        out << "<- stream failed: " << error.message() << Qt::endl;
        ok = false;
    }

    out << "-> 1000 add requests in flight, answered through reply handlers (no QFuture)" << Qt::endl;
    ok = sumWithReplyHandlers(bridge, 1000) && ok;

    out << "-> sleep 10000 ms, cancelled after 100 ms" << Qt::endl;
    QFuture<QJsonValue> slow = bridge.sendCommand(QStringLiteral("sleep"), QJsonObject{{QStringLiteral("ms"), 10000}});
    QEventLoop pause;
    QTimer::singleShot(100, &pause, &QEventLoop::quit);
    pause.exec();
    slow.cancel();
    await(slow);
    out << "<- cancelled: " << (slow.isCanceled() ? "yes" : "no") << Qt::endl;
    ok = slow.isCanceled() && ok;
    ok = call(bridge, QStringLiteral("echo"), QStringLiteral("the backend is free again")) && ok;

    out << "stopping the backend" << Qt::endl;
    if (useSocket) {
        bridge.kill();
    } else {
        QEventLoop stopped;
        QObject::connect(&bridge, &QRustBridge::exited, &stopped, &QEventLoop::quit);
        bridge.kill();
        stopped.exec();
    }
    out << (ok ? "demo finished: all calls behaved as expected" : "demo finished with failures") << Qt::endl;
    return ok ? 0 : 1;
}
