// Proves QRustBinaryLocator's search: an explicit binaryPath is the only
// candidate, relative paths never resolve against the working directory
// unless searchWorkingDirectory is set (a planted ./rust/target/release
// binary is not run), the dev paths are searched in the app dir's parents
// but not past a world-writable directory, and Windows names get `.exe`.
#include "../../shared/testsupport.h"

#include <QRustBridge/qrustbinarylocator.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>

using namespace TestSupport;
using Code = QRustBridgeError::Code;
using Context = QRustBinaryLocator::SearchContext;

namespace {

// Writes an executable shell script at `path` (creating its directories).
bool plantExecutable(const QString &path)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write("#!/bin/sh\nexit 0\n");
    file.close();
    return file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

// Changes the working directory for one scope.
class WorkingDirectory
{
public:
    explicit WorkingDirectory(const QString &path)
        : m_previous(QDir::currentPath())
    {
        m_changed = QDir::setCurrent(path);
    }
    ~WorkingDirectory() { QDir::setCurrent(m_previous); }
    bool changed() const { return m_changed; }

private:
    QString m_previous;
    bool m_changed = false;
};

Context linuxContext(const QString &appDir, const QString &workingDir = QString())
{
    return Context{QStringLiteral("linux"), QStringLiteral("x64"), appDir, workingDir};
}

} // namespace

class tst_QRustBinaryLocator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void explicitPathIsTheOnlyCandidate();
    void missingExplicitPathFailsSpawnNamingIt();
    void nonExecutableExplicitPathFailsSpawnNamingIt();
    void plantedWorkingDirectoryBinaryIsNotRun();
    void searchWorkingDirectoryFindsItWhenAsked();
    void relativePathsResolveAgainstTheAppDir();
    void devPathsAreSearchedInTheAppDirsParents();
    void searchStopsBelowAWorldWritableDirectory();
    void windowsCandidatesAlsoTryExe();
    void orderIsEnvPackageLocalAppLibexecDev();
};

void tst_QRustBinaryLocator::explicitPathIsTheOnlyCandidate()
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("sh");  // would be found on PATH
    options.binaryPath = QStringLiteral("/nonexistent/backend");
    options.envVarName = QStringLiteral("PATH");
    options.localPaths = {QStringLiteral("/bin")};
    QCOMPARE(QRustBinaryLocator::candidates(options, linuxContext(QStringLiteral("/usr/bin"))),
             QStringList{QStringLiteral("/nonexistent/backend")});
    QRustBinaryLocator locator;
    QCOMPARE(locator.locate(options), QString());
}

void tst_QRustBinaryLocator::missingExplicitPathFailsSpawnNamingIt()
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("sh");
    options.binaryPath = QStringLiteral("/nonexistent/backend");
    QRustBridge bridge(options);
    QFuture<bool> spawned = bridge.spawn();
    QRB_WAIT(spawned, 5000);
    QVERIFY(!spawned.result());
    QCOMPARE(bridge.lastError().code(), Code::BinaryNotFound);
    QVERIFY2(bridge.lastError().message().contains(QStringLiteral("\"/nonexistent/backend\"")),
             qPrintable(bridge.lastError().message()));
    QVERIFY(bridge.lastError().message().contains(QStringLiteral("does not exist")));
}

void tst_QRustBinaryLocator::nonExecutableExplicitPathFailsSpawnNamingIt()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("backend"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("sh");
    options.binaryPath = path;
    QRustBridge bridge(options);
    QFuture<bool> spawned = bridge.spawn();
    QRB_WAIT(spawned, 5000);
    QVERIFY(!spawned.result());
    QCOMPARE(bridge.lastError().code(), Code::BinaryNotFound);
    QVERIFY(bridge.lastError().message().contains(path));
    QVERIFY(bridge.lastError().message().contains(QStringLiteral("not an executable file")));
}

void tst_QRustBinaryLocator::plantedWorkingDirectoryBinaryIsNotRun()
{
    QTemporaryDir unpacked;
    QVERIFY(unpacked.isValid());
    const QString name = QStringLiteral("qrb-planted-backend");
    QVERIFY(plantExecutable(unpacked.filePath(QStringLiteral("rust/target/release/") + name)));
    QVERIFY(plantExecutable(unpacked.filePath(name)));
    WorkingDirectory cwd(unpacked.path());
    QVERIFY(cwd.changed());

    QRustBridgeOptions options;
    options.binaryName = name;
    options.searchSystemPath = false;
    options.localPaths = {QStringLiteral("rust/target/release")};
    for (const QString &candidate : QRustBinaryLocator::candidates(options))
        QVERIFY2(!candidate.startsWith(unpacked.path()), qPrintable(candidate));
    QRustBinaryLocator locator;
    QCOMPARE(locator.locate(options), QString());

    QRustBridge bridge(options);
    QFuture<bool> spawned = bridge.spawn();
    QRB_WAIT(spawned, 5000);
    QVERIFY(!spawned.result());
    QCOMPARE(bridge.lastError().code(), Code::BinaryNotFound);
}

void tst_QRustBinaryLocator::searchWorkingDirectoryFindsItWhenAsked()
{
    QTemporaryDir unpacked;
    QVERIFY(unpacked.isValid());
    const QString name = QStringLiteral("qrb-planted-backend");
    const QString planted = unpacked.filePath(QStringLiteral("rust/target/release/") + name);
    QVERIFY(plantExecutable(planted));
    WorkingDirectory cwd(unpacked.path());
    QVERIFY(cwd.changed());

    QRustBridgeOptions options;
    options.binaryName = name;
    options.searchSystemPath = false;
    options.searchWorkingDirectory = true;
    QRustBinaryLocator locator;
    QCOMPARE(locator.locate(options), QFileInfo(planted).absoluteFilePath());
}

void tst_QRustBinaryLocator::relativePathsResolveAgainstTheAppDir()
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("backend");
    options.binaryPath = QStringLiteral("bin/backend");
    QCOMPARE(QRustBinaryLocator::candidates(options, linuxContext(QStringLiteral("/opt/app"), QStringLiteral("/home/u"))),
             QStringList{QStringLiteral("/opt/app/bin/backend")});
    options.searchWorkingDirectory = true;
    QCOMPARE(QRustBinaryLocator::candidates(options, linuxContext(QStringLiteral("/opt/app"), QStringLiteral("/home/u"))),
             (QStringList{QStringLiteral("/opt/app/bin/backend"), QStringLiteral("/home/u/bin/backend")}));

    options.binaryPath.clear();
    options.searchWorkingDirectory = false;
    options.localPaths = {QStringLiteral("tools/backend")};
    const QStringList list = QRustBinaryLocator::candidates(options, linuxContext(QStringLiteral("/opt/app"), QStringLiteral("/home/u")));
    QVERIFY(list.contains(QStringLiteral("/opt/app/tools/backend")));
    for (const QString &candidate : list)
        QVERIFY2(!candidate.startsWith(QStringLiteral("/home/u")), qPrintable(candidate));
}

void tst_QRustBinaryLocator::devPathsAreSearchedInTheAppDirsParents()
{
    // A build tree inside the workspace: build/examples/console/app finds
    // <workspace>/rust/target/release/<name>.
    QTemporaryDir workspace;
    QVERIFY(workspace.isValid());
    const QString appDir = workspace.filePath(QStringLiteral("build/examples/console"));
    QVERIFY(QDir().mkpath(appDir));
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("backend");
    const QStringList list = QRustBinaryLocator::candidates(options, linuxContext(appDir));
    const QString release = QDir::cleanPath(workspace.filePath(QStringLiteral("rust/target/release/backend")));
    const QString debug = QDir::cleanPath(workspace.filePath(QStringLiteral("rust/target/debug/backend")));
    QVERIFY2(list.contains(release), qPrintable(list.join(QLatin1Char('\n'))));
    QVERIFY(list.contains(debug));
    QVERIFY(list.indexOf(release) < list.indexOf(debug));  // release first, wherever it is
    QVERIFY(list.contains(QDir::cleanPath(appDir + QStringLiteral("/rust/target/release/backend_linux_amd64"))));
}

void tst_QRustBinaryLocator::searchStopsBelowAWorldWritableDirectory()
{
    QTemporaryDir shared(QDir::tempPath() + QStringLiteral("/qrb-shared-XXXXXX"));
    QVERIFY(shared.isValid());
    QVERIFY(QFile::setPermissions(shared.path(), QFile::permissions(shared.path()) | QFileDevice::WriteOther
                                                     | QFileDevice::ReadOther | QFileDevice::ExeOther));
    const QString appDir = shared.filePath(QStringLiteral("mine/app"));
    QVERIFY(QDir().mkpath(appDir));
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("backend");
    const QStringList list = QRustBinaryLocator::candidates(options, linuxContext(appDir));
    QVERIFY(list.contains(QDir::cleanPath(shared.filePath(QStringLiteral("mine/rust/target/release/backend")))));
    // Not in the world-writable directory, nor anywhere above it.
    QVERIFY(!list.contains(QDir::cleanPath(shared.filePath(QStringLiteral("rust/target/release/backend")))));
    QVERIFY(!list.contains(QStringLiteral("/rust/target/release/backend")));
}

void tst_QRustBinaryLocator::windowsCandidatesAlsoTryExe()
{
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("backend");
    const Context windows{QStringLiteral("win32"), QStringLiteral("x64"), QStringLiteral("/app"), QString()};
    const QStringList list = QRustBinaryLocator::candidates(options, windows);
    QVERIFY(list.contains(QStringLiteral("/app/backend.exe")));
    QVERIFY(list.contains(QStringLiteral("/app/backend_windows_amd64.exe")));
    QVERIFY(list.indexOf(QStringLiteral("/app/backend")) < list.indexOf(QStringLiteral("/app/backend.exe")));
    for (const QString &candidate : QRustBinaryLocator::candidates(options, linuxContext(QStringLiteral("/app"))))
        QVERIFY2(!candidate.endsWith(QStringLiteral(".exe")), qPrintable(candidate));
}

void tst_QRustBinaryLocator::orderIsEnvPackageLocalAppLibexecDev()
{
    qputenv("QRB_TEST_BACKEND", "/from/env/backend");
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("backend");
    options.envVarName = QStringLiteral("QRB_TEST_BACKEND");
    options.platformPackagePrefix = QStringLiteral("pkg");
    options.localPaths = {QStringLiteral("/local/backend")};
    const QStringList list = QRustBinaryLocator::candidates(options, linuxContext(QStringLiteral("/opt/app/bin")));
    qunsetenv("QRB_TEST_BACKEND");
    const QStringList expectedOrder = {
        QStringLiteral("/from/env/backend"),
        QStringLiteral("/opt/app/bin/pkg-linux-x64/backend"),
        QStringLiteral("/local/backend"),
        QStringLiteral("/opt/app/bin/backend"),
        QStringLiteral("/opt/app/libexec/backend"),
        QStringLiteral("/opt/app/bin/rust/target/release/backend"),
        QStringLiteral("/opt/app/rust/target/release/backend"),
        QStringLiteral("/opt/app/bin/rust/target/debug/backend"),
    };
    int previous = -1;
    for (const QString &path : expectedOrder) {
        const int index = int(list.indexOf(path));
        QVERIFY2(index > previous, qPrintable(path + QStringLiteral(" out of order in:\n") + list.join(QLatin1Char('\n'))));
        previous = index;
    }
}

QTEST_GUILESS_MAIN(tst_QRustBinaryLocator)
#include "tst_qrustbinarylocator.moc"
