#include "scriptedsession.h"

#include "backendcontroller.h"
#include "folderhasher.h"
#include "hashresultsmodel.h"
#include "mainwindow.h"
#include "stallmeter.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QLocale>
#include <QtCore/QTextStream>

#include <memory>

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

} // namespace

ScriptedSession::ScriptedSession(MainWindow *window, BackendController *controller,
                                 const QString &hashDirectory, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_controller(controller)
    , m_hashDirectory(hashDirectory)
{
    m_watchdog.setSingleShot(true);
    m_watchdog.setInterval(60000);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        complete(false, QStringLiteral("no answer within %1 ms").arg(m_watchdog.interval()));
    });

    addStep(QStringLiteral("spawn"), [this] { spawnStep(); });
    addStep(QStringLiteral("echo"), [this] { echoStep(); });
    addStep(QStringLiteral("restart"), [this] { restartStep(); });
    addStep(QStringLiteral("stderr"), [this] { stderrStep(); });
    addStep(QStringLiteral("events"), [this] { eventsStep(); });
    addStep(QStringLiteral("fetch 50 MiB"), [this] { largePayloadStep(); });
    addStep(QStringLiteral("cancel stream"), [this] { cancelStreamStep(); });
    addStep(QStringLiteral("hash folder"), [this] { hashStep(); });
}

void ScriptedSession::setStepTimeout(int ms)
{
    m_watchdog.setInterval(ms);
}

void ScriptedSession::addStep(const QString &name, Step step)
{
    m_steps.append({name, std::move(step)});
}

void ScriptedSession::start()
{
    m_current = -1;
    m_failed = false;
    runNext();
}

void ScriptedSession::runNext()
{
    ++m_current;
    if (m_failed || m_current >= m_steps.size()) {
        out() << (m_failed ? "session FAILED" : "session OK: every step passed") << Qt::endl;
        Q_EMIT finished(!m_failed);
        return;
    }
    m_watchdog.start();
    m_steps.at(m_current).second();
}

void ScriptedSession::complete(bool ok, const QString &detail)
{
    if (m_current < 0 || m_current >= m_steps.size() || !m_watchdog.isActive())
        return; // a late answer for a step that already ended
    m_watchdog.stop();
    for (const QMetaObject::Connection &connection : std::as_const(m_stepConnections))
        disconnect(connection);
    m_stepConnections.clear();
    out() << (ok ? "PASS " : "FAIL ") << m_steps.at(m_current).first << ": " << detail << Qt::endl;
    m_failed = m_failed || !ok;
    // Queued, so the next step starts from a clean stack.
    QMetaObject::invokeMethod(this, &ScriptedSession::runNext, Qt::QueuedConnection);
}

void ScriptedSession::spawnStep()
{
    m_controller->start().then(this, [this](bool ok) {
        QRustBridge *bridge = m_controller->bridge();
        complete(ok, ok ? QStringLiteral("ready, pid %1").arg(bridge->processId()) : bridge->lastError().message());
    });
}

void ScriptedSession::echoStep()
{
    const QJsonObject params{{QStringLiteral("hello"), QStringLiteral("widgets")},
                             {QStringLiteral("list"), QJsonArray{1, 2, 3}}};
    m_controller->bridge()
        ->sendCommand(QStringLiteral("echo"), params)
        .then(this, [this, params](const QJsonValue &result) {
            complete(result == params, result == params ? QStringLiteral("round trip equal")
                                                        : QStringLiteral("echo returned something else"));
        })
        .onFailed(this, [this](const QRustBridgeError &error) { complete(false, error.message()); });
}

void ScriptedSession::restartStep()
{
    const qint64 oldPid = m_controller->bridge()->processId();
    m_window->restartBackend();
    // The window's restart goes through the controller; wait for its outcome.
    m_stepConnections << connect(m_controller, &BackendController::startFinished, this, [this, oldPid](bool ok) {
        const qint64 newPid = m_controller->bridge()->processId();
        if (!ok)
            complete(false, m_controller->bridge()->lastError().message());
        else
            complete(newPid != oldPid, QStringLiteral("pid %1 -> %2").arg(oldPid).arg(newPid));
    });
}

void ScriptedSession::stderrStep()
{
    const QStringList lines{QStringLiteral("demo-backend: hello from stderr"),
                            QStringLiteral("demo-backend: a second line")};
    auto missing = std::make_shared<QStringList>(lines);
    auto answered = std::make_shared<bool>(false);
    const auto check = [this, missing, answered] {
        if (*answered && missing->isEmpty())
            complete(true, QStringLiteral("both lines arrived through standardErrorLine"));
    };
    m_stepConnections << connect(m_controller->bridge(), &QRustBridge::standardErrorLine, this,
                                 [missing, check](const QString &line) {
                                     missing->removeAll(line);
                                     check();
                                 });
    m_controller->bridge()
        ->sendCommand(QStringLiteral("stderr"), QJsonObject{{QStringLiteral("lines"), QJsonArray::fromStringList(lines)}})
        .then(this, [answered, check](const QJsonValue &) {
            *answered = true;
            check();
        })
        .onFailed(this, [this](const QRustBridgeError &error) { complete(false, error.message()); });
}

void ScriptedSession::eventsStep()
{
    auto ticks = std::make_shared<int>(0);
    m_stepConnections << connect(m_controller->bridge(), &QRustBridge::eventReceived, this,
                                 [this, ticks](const QString &name, const QJsonValue &) {
                                     if (name == QLatin1String("tick") && ++*ticks == 3)
                                         complete(true, QStringLiteral("3 tick events received"));
                                 });
    m_window->startTicker();
}

void ScriptedSession::largePayloadStep()
{
    // First the baseline: the longest gap while nothing happens, which is
    // what the machine's load alone costs. Then the fetch, measured the same way.
    auto *idle = new StallMeter(this);
    idle->start();
    QTimer::singleShot(500, this, [this, idle] {
        idle->stop();
        const double baselineMs = idle->worstGapMs();
        idle->deleteLater();
        fetchLargePayload(baselineMs);
    });
}

void ScriptedSession::fetchLargePayload(double baselineMs)
{
    m_stepConnections << connect(m_window, &MainWindow::largePayloadFetched, this,
                                 [this, baselineMs](bool ok, qint64 bytes, double worstGapMs) {
        const QString stall = QStringLiteral("worst event-loop stall %1 ms (idle baseline %2 ms)")
                                  .arg(worstGapMs, 0, 'f', 2)
                                  .arg(baselineMs, 0, 'f', 2);
        out() << "worst event-loop stall during the 50 MiB fetch: " << QString::number(worstGapMs, 'f', 2)
              << " ms (idle baseline: " << QString::number(baselineMs, 'f', 2) << " ms)" << Qt::endl;
        if (!ok)
            complete(false, QStringLiteral("the fetch failed; ") + stall);
        else
            complete(bytes == MainWindow::LargePayloadBytes,
                     QStringLiteral("%1 bytes, %2").arg(bytes).arg(stall));
    });
    m_window->fetchLargePayload();
}

void ScriptedSession::cancelStreamStep()
{
    // A long stream (one chunk every 10 ms); cancel it after its second chunk.
    QRustStream *stream = m_controller->bridge()->sendCommandStreaming(
        QStringLiteral("count"), QJsonObject{{QStringLiteral("n"), 100000}, {QStringLiteral("delayMs"), 10}});
    connect(stream, &QRustStream::chunkReceived, this, [stream](const QJsonValue &) {
        if (stream->chunkCount() == 2)
            stream->cancel();
    });
    connect(stream, &QRustStream::finished, this, [this, stream](const QJsonValue &) {
        stream->deleteLater();
        complete(false, QStringLiteral("the stream ran to its end instead of being cancelled"));
    });
    connect(stream, &QRustStream::failed, this, [this, stream](const QRustBridgeError &error) {
        stream->deleteLater();
        const bool cancelled = error.code() == QRustBridgeError::Code::Cancelled && stream->result().isCanceled();
        if (!cancelled) {
            complete(false, error.message());
            return;
        }
        // The backend got "$/cancel" and is free: the next call answers at once.
        const qint64 chunks = stream->chunkCount();
        m_controller->bridge()
            ->sendCommand(QStringLiteral("echo"), QStringLiteral("after cancel"))
            .then(this, [this, chunks](const QJsonValue &) {
                complete(true, QStringLiteral("cancelled after %1 chunks; backend still answers").arg(chunks));
            })
            .onFailed(this, [this](const QRustBridgeError &e) { complete(false, e.message()); });
    });
}

void ScriptedSession::hashStep()
{
    FolderHasher *hasher = m_window->hasher();
    m_stepConnections << connect(hasher, &FolderHasher::finished, this, [this](int files, qint64 bytes) {
        const int rows = m_window->results()->rowCount();
        complete(files > 0 && rows == files,
                 QStringLiteral("%1 files, %2 bytes, %3 table rows").arg(files).arg(bytes).arg(rows));
    });
    m_stepConnections << connect(hasher, &FolderHasher::failed, this,
                                 [this](const QRustBridgeError &error) { complete(false, error.message()); });
    m_window->hashFolder(m_hashDirectory);
}
