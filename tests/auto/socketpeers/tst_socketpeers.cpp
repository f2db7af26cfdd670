// Proves who a socket client trusts, with real users: a daemon running as a
// non-root user the client is not is refused by default, with a message
// naming its uid and the option, and accepted once that uid is in
// QRustSocketOptions::trustedServerUids; a daemon running as root is accepted
// by a client running as an unprivileged user. Needs root to run processes
// as other users (CI runs as root); elsewhere it skips, and under CI a skip
// is a failure.
//
// This executable is also the unprivileged client: `tst_socketpeers
// --client <socket>` connects, calls add(2, 3) and exits 0 on 5.
#include "../../shared/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QJsonObject>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>

#include <dlfcn.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

// The account the tests run daemons and clients as: nobody, present on Debian.
struct Account
{
    uid_t uid = 0;
    gid_t gid = 0;
    QString name;
};

std::optional<Account> unprivilegedAccount()
{
    const passwd *entry = ::getpwnam("nobody");
    if (!entry)
        return std::nullopt;
    return Account{entry->pw_uid, entry->pw_gid, QString::fromLocal8Bit(entry->pw_name)};
}

// `setpriv` arguments that run a command as `account`, with no supplementary groups.
QStringList runAs(const Account &account, const QString &program, const QStringList &arguments)
{
    return QStringList{QStringLiteral("--reuid=%1").arg(account.uid), QStringLiteral("--regid=%1").arg(account.gid),
                       QStringLiteral("--clear-groups"), program}
        + arguments;
}

int runClient(const QString &socketPath)
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    QRustBridge bridge(options);
    QFuture<bool> connected = bridge.connectToServer(socketPath);
    if (!waitForFinished(connected, 10000) || !connected.result()) {
        std::fprintf(stderr, "client: %s\n", qPrintable(bridge.lastError().message()));
        return 2;
    }
    QFuture<QJsonValue> sum = bridge.sendCommand(QStringLiteral("add"),
                                                 QJsonObject{{QStringLiteral("a"), 2}, {QStringLiteral("b"), 3}});
    if (!waitForFinished(sum, 10000) || sum.isCanceled())
        return 3;
    return sum.result().toInt() == 5 ? 0 : 4;
}

} // namespace

class tst_SocketPeers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void daemonOfAnotherUserIsRefusedByDefault();
    void trustedUidIsAccepted();
    void rootDaemonIsAcceptedByAnUnprivilegedClient();

private:
    // Starts the demo backend as `account` (or as ourselves) on a socket in
    // a directory that account owns; returns the socket path.
    QString startDaemon(const std::optional<Account> &account);

    std::optional<Account> m_account;
    std::unique_ptr<QTemporaryDir> m_dir;   // world-traversable: other users run from it
    QString m_backend;                      // a copy of the demo backend they can execute
    std::unique_ptr<QProcess> m_daemon;
};

void tst_SocketPeers::initTestCase()
{
    QRB_VERIFY_DEMO_BACKEND();
    if (::geteuid() != 0)
        QRB_SKIP_OUTSIDE_CI("needs root to run processes as other users");
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty(), "setpriv (util-linux) is missing");
    m_account = unprivilegedAccount();
    QVERIFY2(m_account && m_account->uid != 0, "no unprivileged account 'nobody'");

    // Under /tmp, not under the build tree: /root is not readable by others.
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/qrb-peers-XXXXXX"));
    QVERIFY(m_dir->isValid());
    QVERIFY(::chmod(QFile::encodeName(m_dir->path()).constData(), 0755) == 0);
    m_backend = m_dir->filePath(QStringLiteral("demo-backend"));
    QVERIFY(QFile::copy(QStringLiteral(DEMO_BACKEND_PATH), m_backend));
    QVERIFY(::chmod(QFile::encodeName(m_backend).constData(), 0755) == 0);
}

void tst_SocketPeers::cleanup()
{
    if (m_daemon) {
        m_daemon->kill();
        m_daemon->waitForFinished();
        m_daemon.reset();
    }
}

QString tst_SocketPeers::startDaemon(const std::optional<Account> &account)
{
    static int serial = 0;
    const QString socketDir = m_dir->filePath(QStringLiteral("run%1").arg(++serial));
    if (!QDir().mkpath(socketDir))
        return QString();
    if (account && ::chown(QFile::encodeName(socketDir).constData(), account->uid, account->gid) != 0)
        return QString();
    ::chmod(QFile::encodeName(socketDir).constData(), 0755);
    const QString path = socketDir + QStringLiteral("/demo.sock");

    m_daemon = std::make_unique<QProcess>();
    m_daemon->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QStringList daemonArgs{QStringLiteral("--socket"), path};
    if (account)
        m_daemon->start(QStringLiteral("setpriv"), runAs(*account, m_backend, daemonArgs));
    else
        m_daemon->start(m_backend, daemonArgs);
    if (!m_daemon->waitForStarted())
        return QString();
    QDeadlineTimer deadline(10000);
    while (!QFile::exists(path) && !deadline.hasExpired() && m_daemon->state() == QProcess::Running)
        m_daemon->waitForFinished(20);  // returns at once if the daemon dies
    return QFile::exists(path) ? path : QString();
}

void tst_SocketPeers::daemonOfAnotherUserIsRefusedByDefault()
{
    const QString path = startDaemon(m_account);
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(path);
    QRB_WAIT(connected, 10000);
    QVERIFY(!connected.result());
    QCOMPARE(bridge.lastError().code(), Code::StartFailed);
    const QString message = bridge.lastError().message();
    QVERIFY2(message.contains(QStringLiteral("uid %1").arg(m_account->uid)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("trustedServerUids")), qPrintable(message));
}

void tst_SocketPeers::trustedUidIsAccepted()
{
    const QString path = startDaemon(m_account);
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    QRustBridge bridge(demoOptions());
    QRustSocketOptions socketOptions;
    socketOptions.trustedServerUids = {m_account->uid};
    QFuture<bool> connected = bridge.connectToServer(path, socketOptions);
    QRB_WAIT(connected, 10000);
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    QFuture<QJsonValue> sum = bridge.sendCommand(QStringLiteral("add"),
                                                 QJsonObject{{QStringLiteral("a"), 20}, {QStringLiteral("b"), 22}});
    QRB_WAIT(sum, 10000);
    QCOMPARE(sum.result().toInt(), 42);
}

void tst_SocketPeers::rootDaemonIsAcceptedByAnUnprivilegedClient()
{
    const QString path = startDaemon(std::nullopt);   // as root, like a system service
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    // The daemon's socket is 0600; open it to the client's user for this test
    // (a real deployment gives it a group: docs/socket-mode.md).
    QVERIFY(::chown(QFile::encodeName(path).constData(), m_account->uid, m_account->gid) == 0);

    const QString client = m_dir->filePath(QStringLiteral("tst_socketpeers"));
    QFile::remove(client);
    QVERIFY(QFile::copy(QCoreApplication::applicationFilePath(), client));
    QVERIFY(::chmod(QFile::encodeName(client).constData(), 0755) == 0);
    // The library too: the build tree may be under /root, which the client's
    // user cannot read, so the client loads a copy through LD_LIBRARY_PATH.
    Dl_info library {};
    QVERIFY(::dladdr(reinterpret_cast<const void *>(&QRustBridge::staticMetaObject), &library) != 0);
    const QString libraryCopy = m_dir->filePath(QFileInfo(QString::fromLocal8Bit(library.dli_fname)).fileName());
    QFile::remove(libraryCopy);
    QVERIFY(QFile::copy(QString::fromLocal8Bit(library.dli_fname), libraryCopy));
    QVERIFY(::chmod(QFile::encodeName(libraryCopy).constData(), 0755) == 0);

    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LD_LIBRARY_PATH"), m_dir->path());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral("setpriv"), runAs(*m_account, client, {QStringLiteral("--client"), path}));
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

int main(int argc, char *argv[])
{
    if (argc == 3 && qstrcmp(argv[1], "--client") == 0) {
        QCoreApplication app(argc, argv);
        return runClient(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    tst_SocketPeers test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_socketpeers.moc"
