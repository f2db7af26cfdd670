// Proves the root-daemon / unprivileged-GUI deployment (docs/socket-mode.md)
// with real users, groups and processes:
//   - the demo backend as a root daemon with --socket-mode 660
//     --socket-group qrbtest-group makes a socket root:qrbtest-group 0660;
//   - a client process running as qrbtest-member (in that group) connects
//     and calls;
//   - a client process running as qrbtest-outsider gets StartFailed with a
//     message naming the path, "permission denied", the socket's owner,
//     group and mode, and the client's uid;
//   - a daemon running as the non-root qrbtest-service is refused by default
//     (the message names its uid and trustedServerUids) and accepted once
//     its uid is trusted;
//   - socket activation: this test binds the socket, starts the daemon with
//     it as fd 3 and LISTEN_FDS=1/LISTEN_PID, reads READY=1 from its
//     NOTIFY_SOCKET, calls through the socket, and reads STOPPING=1 after
//     SIGTERM.
// Needs root to create the accounts (groupadd/useradd --system, idempotent;
// nothing is removed, the accounts are shared by runs) and to run processes
// as them (setpriv). CI runs as root; elsewhere it skips, and under CI a
// skip is a failure.
//
// This executable is also the client and the exec wrapper:
//   tst_daemonpermissions --client <socket>   connects, calls add(2, 3); exit 0 on 5,
//                                             else prints "<code>: <message>" to stdout
//   tst_daemonpermissions --activate <fd> <program> <args...>
//                                             moves <fd> to 3, sets LISTEN_FDS=1 and
//                                             LISTEN_PID=<own pid>, execs <program>
#include "../../shared/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QJsonObject>
#include <QtCore/QScopeGuard>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#if defined(QRB_HAVE_QML)
#include "qrustbridgeelement.h"

#include <QtQml/QJSEngine>
#endif

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

using namespace TestSupport;
using Code = QRustBridgeError::Code;

namespace {

const char groupName[] = "qrbtest-group";
const char memberName[] = "qrbtest-member";
const char outsiderName[] = "qrbtest-outsider";
const char serviceName[] = "qrbtest-service";

struct Account
{
    uid_t uid = 0;
    gid_t gid = 0;
    QString name;
};

std::optional<Account> account(const char *name)
{
    const passwd *entry = ::getpwnam(name);
    if (!entry)
        return std::nullopt;
    return Account{entry->pw_uid, entry->pw_gid, QString::fromLocal8Bit(entry->pw_name)};
}

bool isMember(const char *user, const char *groupName)
{
    const group *entry = ::getgrnam(groupName);
    if (!entry)
        return false;
    for (char **member = entry->gr_mem; *member; ++member) {
        if (qstrcmp(*member, user) == 0)
            return true;
    }
    return false;
}

// Runs a tool to completion; "" on success, else what went wrong.
QString run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QStringLiteral("%1 %2 failed: %3")
            .arg(program, arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(process.readAll()));
    return QString();
}

// A system account without a home or login shell, made once and kept.
QString ensureUser(const char *name, const QStringList &extraGroups = {})
{
    if (!account(name)) {
        const QString failed = run(QStringLiteral("useradd"),
                                   QStringList{QStringLiteral("--system"), QStringLiteral("--user-group"),
                                               QStringLiteral("--no-create-home"), QStringLiteral("--shell"),
                                               QStringLiteral("/usr/sbin/nologin"), QString::fromLatin1(name)});
        if (!failed.isEmpty())
            return failed;
    }
    for (const QString &group : extraGroups) {
        if (!isMember(name, group.toLocal8Bit().constData())) {
            const QString failed = run(QStringLiteral("usermod"),
                                       {QStringLiteral("--append"), QStringLiteral("--groups"), group,
                                        QString::fromLatin1(name)});
            if (!failed.isEmpty())
                return failed;
        }
    }
    return account(name) ? QString() : QStringLiteral("%1 was not created").arg(QLatin1String(name));
}

// `setpriv` arguments that run a command as `user` with the groups the
// group database gives it (--init-groups), as a login would.
QStringList runAs(const Account &user, const QString &program, const QStringList &arguments)
{
    return QStringList{QStringLiteral("--reuid=%1").arg(user.uid), QStringLiteral("--regid=%1").arg(user.gid),
                       QStringLiteral("--init-groups"), program}
        + arguments;
}

int runClient(const QString &socketPath)
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    QRustBridge bridge(options);
    QFuture<bool> connected = bridge.connectToServer(socketPath);
    if (!waitForFinished(connected, 10000) || !connected.result()) {
        const QRustBridgeError error = bridge.lastError();
        std::printf("%s: %s\n", qPrintable(QRustBridgeError::codeName(error.code())), qPrintable(error.message()));
        return 2;
    }
    QFuture<QJsonValue> sum = bridge.sendCommand(QStringLiteral("add"),
                                                 QJsonObject{{QStringLiteral("a"), 2}, {QStringLiteral("b"), 3}});
    if (!waitForFinished(sum, 10000) || sum.isCanceled())
        return 3;
    return sum.result().toInt() == 5 ? 0 : 4;
}

// The exec wrapper of socket activation: what systemd does between fork and exec.
int activate(int argc, char **argv)
{
    const int fd = std::atoi(argv[2]);
    if (fd != 3) {
        if (::dup2(fd, 3) != 3)
            return 120;
        ::close(fd);
    }
    ::fcntl(3, F_SETFD, 0);  // must survive the exec
    ::setenv("LISTEN_FDS", "1", 1);
    ::setenv("LISTEN_PID", QByteArray::number(qint64(::getpid())).constData(), 1);
    ::execv(argv[3], argv + 3);
    std::fprintf(stderr, "exec %s: %s\n", argv[3], std::strerror(errno));
    Q_UNUSED(argc)
    return 121;
}

sockaddr_un unixAddress(const QString &path)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    const QByteArray bytes = QFile::encodeName(path);
    std::memcpy(address.sun_path, bytes.constData(), size_t(qMin<qsizetype>(bytes.size(), sizeof address.sun_path - 1)));
    return address;
}

// Waits for one datagram on `fd`; empty after `ms` without one.
QByteArray receiveDatagram(int fd, int ms)
{
    pollfd poller{fd, POLLIN, 0};
    if (::poll(&poller, 1, ms) != 1)
        return QByteArray();
    char buffer[512];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    return got > 0 ? QByteArray(buffer, int(got)) : QByteArray();
}

} // namespace

class tst_DaemonPermissions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void rootDaemonMakesAGroupSocket();
    void groupMemberConnectsAndCalls();
    void outsiderGetsAClearPermissionError();
    void serviceDaemonIsRefusedByDefault();
    void serviceDaemonIsAcceptedOnceTrusted();
#if defined(QRB_HAVE_QML)
    // Only where the QML module is built: the portable stage builds without
    // it on purpose, and CI's configure guard makes the main build have it.
    void qmlElementTrustsTheUidsItIsGiven();
#endif
    void socketActivationAndReadiness();

private:
    // Starts the demo backend as `user` (root when nullopt) with `extraArgs`
    // on a socket in a directory that user owns; returns the socket path.
    QString startDaemon(const std::optional<Account> &user, const QStringList &extraArgs = {});
    // Runs this executable's client mode as `user`; returns its exit code and stdout.
    int runClientAs(const Account &user, const QString &socketPath, QString *output);

    std::optional<Account> m_member, m_outsider, m_service;
    gid_t m_groupId = 0;
    std::unique_ptr<QTemporaryDir> m_dir;   // world-traversable: other users run from it
    QString m_backend;                      // copies the other users can execute
    QString m_client;
    std::unique_ptr<QProcess> m_daemon;
};

void tst_DaemonPermissions::initTestCase()
{
    QRB_VERIFY_DEMO_BACKEND();
    if (::geteuid() != 0)
        QRB_SKIP_OUTSIDE_CI("needs root to create users and run processes as them");
    for (const char *tool : {"setpriv", "useradd", "groupadd", "usermod"})
        QVERIFY2(!QStandardPaths::findExecutable(QString::fromLatin1(tool), {QStringLiteral("/usr/sbin"),
                                                                             QStringLiteral("/usr/bin"),
                                                                             QStringLiteral("/sbin"),
                                                                             QStringLiteral("/bin")})
                      .isEmpty(),
                 tool);

    if (!::getgrnam(groupName)) {
        const QString failed = run(QStringLiteral("groupadd"), {QStringLiteral("--system"), QLatin1String(groupName)});
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }
    const group *entry = ::getgrnam(groupName);
    QVERIFY(entry);
    m_groupId = entry->gr_gid;
    for (const char *name : {outsiderName, serviceName}) {
        const QString failed = ensureUser(name);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }
    const QString memberFailed = ensureUser(memberName, {QLatin1String(groupName)});
    QVERIFY2(memberFailed.isEmpty(), qPrintable(memberFailed));
    QVERIFY2(!isMember(outsiderName, groupName), "qrbtest-outsider must not be in qrbtest-group");
    m_member = account(memberName);
    m_outsider = account(outsiderName);
    m_service = account(serviceName);
    QVERIFY(m_member->uid != 0 && m_outsider->uid != 0 && m_service->uid != 0);

    // Under /tmp, not under the build tree: /root is not readable by others.
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/qrb-daemon-XXXXXX"));
    QVERIFY(m_dir->isValid());
    QVERIFY(::chmod(QFile::encodeName(m_dir->path()).constData(), 0755) == 0);
    m_backend = m_dir->filePath(QStringLiteral("demo-backend"));
    QVERIFY(QFile::copy(QStringLiteral(DEMO_BACKEND_PATH), m_backend));
    QVERIFY(::chmod(QFile::encodeName(m_backend).constData(), 0755) == 0);
    m_client = m_dir->filePath(QStringLiteral("tst_daemonpermissions"));
    QVERIFY(QFile::copy(QCoreApplication::applicationFilePath(), m_client));
    QVERIFY(::chmod(QFile::encodeName(m_client).constData(), 0755) == 0);
    // The library too: the build tree may be under /root, which the client's
    // user cannot read, so the client loads a copy through LD_LIBRARY_PATH.
    // Its path comes from CMake: dladdr() on one of its symbols can name the
    // executable instead, when the linker copied the symbol there (Qt 6.8).
    const QString libraryCopy = m_dir->filePath(QStringLiteral(QRB_LIBRARY_SONAME));
    QVERIFY(QFile::copy(QStringLiteral(QRB_LIBRARY_FILE), libraryCopy));
    QVERIFY(::chmod(QFile::encodeName(libraryCopy).constData(), 0755) == 0);
}

void tst_DaemonPermissions::cleanup()
{
    if (m_daemon) {
        m_daemon->kill();
        m_daemon->waitForFinished();
        m_daemon.reset();
    }
}

QString tst_DaemonPermissions::startDaemon(const std::optional<Account> &user, const QStringList &extraArgs)
{
    static int serial = 0;
    const QString socketDir = m_dir->filePath(QStringLiteral("run%1").arg(++serial));
    if (!QDir().mkpath(socketDir))
        return QString();
    if (user && ::chown(QFile::encodeName(socketDir).constData(), user->uid, user->gid) != 0)
        return QString();
    ::chmod(QFile::encodeName(socketDir).constData(), 0755);
    const QString path = socketDir + QStringLiteral("/demo.sock");

    m_daemon = std::make_unique<QProcess>();
    m_daemon->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QStringList daemonArgs = QStringList{QStringLiteral("--socket"), path} + extraArgs;
    if (user)
        m_daemon->start(QStringLiteral("setpriv"), runAs(*user, m_backend, daemonArgs));
    else
        m_daemon->start(m_backend, daemonArgs);
    if (!m_daemon->waitForStarted())
        return QString();
    QDeadlineTimer deadline(10000);
    while (!QFile::exists(path) && !deadline.hasExpired() && m_daemon->state() == QProcess::Running)
        m_daemon->waitForFinished(20);  // returns at once if the daemon dies
    return QFile::exists(path) ? path : QString();
}

int tst_DaemonPermissions::runClientAs(const Account &user, const QString &socketPath, QString *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LD_LIBRARY_PATH"), m_dir->path());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral("setpriv"), runAs(user, m_client, {QStringLiteral("--client"), socketPath}));
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit)
        return -1;
    *output = QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
    return process.exitCode();
}

void tst_DaemonPermissions::rootDaemonMakesAGroupSocket()
{
    const QString path = startDaemon(std::nullopt, {QStringLiteral("--socket-mode"), QStringLiteral("660"),
                                                    QStringLiteral("--socket-group"), QLatin1String(groupName)});
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    struct stat info {};
    QVERIFY(::stat(QFile::encodeName(path).constData(), &info) == 0);
    QVERIFY(S_ISSOCK(info.st_mode));
    QCOMPARE(info.st_mode & 07777, mode_t(0660));
    QCOMPARE(info.st_uid, uid_t(0));
    QCOMPARE(info.st_gid, m_groupId);
}

void tst_DaemonPermissions::groupMemberConnectsAndCalls()
{
    const QString path = startDaemon(std::nullopt, {QStringLiteral("--socket-mode"), QStringLiteral("660"),
                                                    QStringLiteral("--socket-group"), QLatin1String(groupName)});
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    QString output;
    QCOMPARE(runClientAs(*m_member, path, &output), 0);
    QCOMPARE(output, QString());
}

void tst_DaemonPermissions::outsiderGetsAClearPermissionError()
{
    const QString path = startDaemon(std::nullopt, {QStringLiteral("--socket-mode"), QStringLiteral("660"),
                                                    QStringLiteral("--socket-group"), QLatin1String(groupName)});
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    QString output;
    QCOMPARE(runClientAs(*m_outsider, path, &output), 2);
    qInfo("the outsider's client reports: %s", qPrintable(output));
    QVERIFY2(output.startsWith(QStringLiteral("StartFailed: ")), qPrintable(output));
    for (const QString &part : {path, QStringLiteral("permission denied"), QStringLiteral("owned by root (uid 0)"),
                                QStringLiteral("group %1 (gid %2)").arg(QLatin1String(groupName)).arg(m_groupId),
                                QStringLiteral("mode 0660"), QStringLiteral("uid %1").arg(m_outsider->uid),
                                QStringLiteral("nor in its group %1").arg(QLatin1String(groupName))})
        QVERIFY2(output.contains(part), qPrintable(QStringLiteral("\"%1\" not in: %2").arg(part, output)));
}

void tst_DaemonPermissions::serviceDaemonIsRefusedByDefault()
{
    const QString path = startDaemon(m_service);
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(path);
    QRB_WAIT(connected, 10000);
    QVERIFY(!connected.result());
    QCOMPARE(bridge.lastError().code(), Code::StartFailed);
    const QString message = bridge.lastError().message();
    QVERIFY2(message.contains(QStringLiteral("uid %1").arg(m_service->uid)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("trustedServerUids")), qPrintable(message));
}

void tst_DaemonPermissions::serviceDaemonIsAcceptedOnceTrusted()
{
    const QString path = startDaemon(m_service);
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    QRustBridge bridge(demoOptions());
    QRustSocketOptions socketOptions;
    socketOptions.trustedServerUids = {m_service->uid};
    QFuture<bool> connected = bridge.connectToServer(path, socketOptions);
    QRB_WAIT(connected, 10000);
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    QFuture<QJsonValue> sum = bridge.sendCommand(QStringLiteral("add"),
                                                 QJsonObject{{QStringLiteral("a"), 20}, {QStringLiteral("b"), 22}});
    QRB_WAIT(sum, 10000);
    QCOMPARE(sum.result().toInt(), 42);
}

#if defined(QRB_HAVE_QML)
void tst_DaemonPermissions::qmlElementTrustsTheUidsItIsGiven()
{
    const QString path = startDaemon(m_service);
    QVERIFY2(!path.isEmpty(), "daemon did not start");
    QJSEngine engine;   // only to build the options object; the elements have no engine (no promises)
    const QRegularExpression noEngine(QStringLiteral("not owned by a JavaScript engine"));

    QRustBridgeElement refused;
    QTest::ignoreMessage(QtWarningMsg, noEngine);
    refused.connectToServer(path, engine.newObject());
    QTRY_COMPARE_WITH_TIMEOUT(refused.lastErrorCode(), QStringLiteral("StartFailed"), 10000);
    QVERIFY2(refused.lastErrorString().contains(QStringLiteral("trustedServerUids")),
             qPrintable(refused.lastErrorString()));

    QRustBridgeElement trusted;
    QJSValue options = engine.newObject();
    QJSValue uids = engine.newArray(1);
    uids.setProperty(0, QJSValue(uint(m_service->uid)));
    options.setProperty(QStringLiteral("trustedServerUids"), uids);
    QTest::ignoreMessage(QtWarningMsg, noEngine);
    trusted.connectToServer(path, options);
    QTRY_COMPARE_WITH_TIMEOUT(trusted.state(), QRustBridgeElement::Running, 10000);
    QCOMPARE(trusted.lastErrorCode(), QString());
}
#endif

void tst_DaemonPermissions::socketActivationAndReadiness()
{
    const QString socketPath = m_dir->filePath(QStringLiteral("activated.sock"));
    const QString notifyPath = m_dir->filePath(QStringLiteral("notify"));

    // What systemd does for a .socket unit: bind, set the mode, listen.
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);   // no CLOEXEC: the child inherits it
    QVERIFY(listener >= 0);
    const sockaddr_un listenAddress = unixAddress(socketPath);
    QVERIFY(::bind(listener, reinterpret_cast<const sockaddr *>(&listenAddress), sizeof listenAddress) == 0);
    QVERIFY(::chmod(QFile::encodeName(socketPath).constData(), 0660) == 0);
    QVERIFY(::listen(listener, 16) == 0);
    // And for Type=notify: a datagram socket named by NOTIFY_SOCKET.
    const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    QVERIFY(notify >= 0);
    const sockaddr_un notifyAddress = unixAddress(notifyPath);
    QVERIFY(::bind(notify, reinterpret_cast<const sockaddr *>(&notifyAddress), sizeof notifyAddress) == 0);
    const auto closeSockets = qScopeGuard([&] {
        ::close(listener);
        ::close(notify);
    });

    m_daemon = std::make_unique<QProcess>();
    m_daemon->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("NOTIFY_SOCKET"), notifyPath);
    m_daemon->setProcessEnvironment(environment);
    // --socket names the path for messages only: the passed socket is served.
    m_daemon->start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--activate"), QString::number(listener), m_backend, QStringLiteral("--socket"),
                     socketPath});
    QVERIFY(m_daemon->waitForStarted());

    QCOMPARE(receiveDatagram(notify, 15000), QByteArray("READY=1"));
    QRustBridge bridge(demoOptions());
    QFuture<bool> connected = bridge.connectToServer(socketPath);
    QRB_WAIT(connected, 10000);
    QVERIFY2(connected.result(), qPrintable(bridge.lastError().message()));
    QFuture<QJsonValue> sum = bridge.sendCommand(QStringLiteral("add"),
                                                 QJsonObject{{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}});
    QRB_WAIT(sum, 10000);
    QCOMPARE(sum.result().toInt(), 3);

    m_daemon->terminate();   // SIGTERM, as systemctl stop
    QCOMPARE(receiveDatagram(notify, 15000), QByteArray("STOPPING=1"));
    QVERIFY(m_daemon->waitForFinished(15000));
    QCOMPARE(m_daemon->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_daemon->exitCode(), 0);
    // The socket file is systemd's: the activated daemon leaves it in place.
    QVERIFY(QFileInfo::exists(socketPath));
}

int main(int argc, char *argv[])
{
    if (argc >= 4 && qstrcmp(argv[1], "--activate") == 0)
        return activate(argc, argv);
    if (argc == 3 && qstrcmp(argv[1], "--client") == 0) {
        QCoreApplication app(argc, argv);
        return runClient(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    tst_DaemonPermissions test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_daemonpermissions.moc"
