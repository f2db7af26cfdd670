// QML test runner for the RustBridge element (tst_*.qml in this directory).
// Gives every test engine two context properties:
//   demoBackendPath  path of the Rust demo backend ($DEMO_BACKEND_PATH, else the build-time path)
//   fakeBackendPath  path of tests/fakebackend (scripted replies, e.g. fail_with)
//   socketDaemon     starts/stops "demo-backend --socket <path>" (or --tcp) for connectToServer()
//                    and connectToHost() tests
// and sets $QRUSTBRIDGE_QML_TEST_BACKEND to the backend path.
#include <QtCore/QDeadlineTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQuickTest/quicktest.h>

static QString demoBackendPath()
{
    const QString fromEnv = qEnvironmentVariable("DEMO_BACKEND_PATH");
    return fromEnv.isEmpty() ? QStringLiteral(DEMO_BACKEND_PATH) : fromEnv;
}

// A demo backend daemon on a local socket; test-only, so blocking waits are fine here.
class SocketDaemon : public QObject
{
    Q_OBJECT
public:
    ~SocketDaemon() override { stop(); }

    // Starts the daemon (if not running) and returns its socket path once it listens, "" on failure.
    Q_INVOKABLE QString start()
    {
        if (m_process.state() != QProcess::NotRunning)
            return socketPath();
        QFile::remove(socketPath());
        const QRegularExpressionMatch listening =
            launch({QStringLiteral("--socket"), socketPath()}, QStringLiteral("listening on"));
        return listening.hasMatch() && QFileInfo::exists(socketPath()) ? socketPath() : QString();
    }

    // Starts the daemon on TCP (127.0.0.1, a free port) and returns the port, 0 on failure.
    Q_INVOKABLE int startTcp()
    {
        stop();
        const QRegularExpressionMatch listening =
            launch({QStringLiteral("--tcp"), QStringLiteral("127.0.0.1:0")},
                   QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
        return listening.hasMatch() ? listening.captured(1).toInt() : 0;
    }

    Q_INVOKABLE void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(5000);
        m_stderr.clear();
    }

    Q_INVOKABLE QString socketPath() const { return m_dir.filePath(QStringLiteral("demo.sock")); }

private:
    // Runs the demo backend with `arguments` until its stderr matches `pattern`.
    QRegularExpressionMatch launch(const QStringList &arguments, const QString &pattern)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedOutputChannel);
        m_process.start(demoBackendPath(), arguments);
        if (!m_process.waitForStarted(5000))
            return {};
        const QRegularExpression expected(pattern);
        QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired()) {
            m_process.waitForReadyRead(50);
            m_stderr += m_process.readAllStandardError();
            const QRegularExpressionMatch match = expected.match(QString::fromUtf8(m_stderr));
            if (match.hasMatch())
                return match;
            if (m_process.state() == QProcess::NotRunning)
                break;
        }
        qWarning("daemon did not start: %s", m_stderr.constData());
        return {};
    }

    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_stderr;
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        // For the envVarName test: the backend is findable only through this variable.
        qputenv("QRUSTBRIDGE_QML_TEST_BACKEND", demoBackendPath().toLocal8Bit());
        engine->rootContext()->setContextProperty(QStringLiteral("demoBackendPath"), demoBackendPath());
        engine->rootContext()->setContextProperty(QStringLiteral("fakeBackendPath"), QStringLiteral(FAKE_BACKEND_PATH));
        engine->rootContext()->setContextProperty(QStringLiteral("socketDaemon"), &m_daemon);
    }

private:
    SocketDaemon m_daemon;
};

QUICK_TEST_MAIN_WITH_SETUP(qml, Setup)

#include "tst_qml.moc"
