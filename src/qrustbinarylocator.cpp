#include <QRustBridge/qrustbinarylocator.h>

#include "logging_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QStandardPaths>
#include <QtCore/QSysInfo>

namespace {

// Node's names (process.platform / process.arch), as smartrust's platform packages use them.
QString nodePlatform()
{
#if defined(Q_OS_LINUX)
    return QStringLiteral("linux");
#elif defined(Q_OS_MACOS)
    return QStringLiteral("darwin");
#elif defined(Q_OS_WIN)
    return QStringLiteral("win32");
#else
    return QSysInfo::kernelType();
#endif
}

QString nodeArch()
{
    const QString cpu = QSysInfo::buildCpuArchitecture();
    if (cpu == QLatin1String("x86_64"))
        return QStringLiteral("x64");
    if (cpu == QLatin1String("i386"))
        return QStringLiteral("ia32");
    return cpu;  // arm64, ...
}

// Go-style names for the `_<os>_<arch>` suffix, e.g. demo_linux_amd64.
QString goArch()
{
    const QString cpu = QSysInfo::buildCpuArchitecture();
    if (cpu == QLatin1String("x86_64"))
        return QStringLiteral("amd64");
    if (cpu == QLatin1String("i386"))
        return QStringLiteral("386");
    return cpu;
}

QString goOs()
{
    const QString os = nodePlatform();
    return os == QLatin1String("win32") ? QStringLiteral("windows") : os;
}

QString applicationDir()
{
    return QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QDir::currentPath();
}

void addWithSuffix(QStringList &out, const QString &dir, const QString &name)
{
    out << QDir(dir).filePath(name)
        << QDir(dir).filePath(name + QLatin1Char('_') + goOs() + QLatin1Char('_') + goArch());
}

bool isExecutableFile(const QString &path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

QString cacheKey(const QRustBridgeOptions &o)
{
    return QStringList{o.binaryName, o.binaryPath, o.envVarName, o.platformPackagePrefix,
                       o.localPaths.join(QLatin1Char('\x1f')),
                       o.searchSystemPath ? QStringLiteral("1") : QStringLiteral("0"),
                       o.envVarName.isEmpty() ? QString() : qEnvironmentVariable(o.envVarName.toLocal8Bit().constData())}
        .join(QLatin1Char('\x1e'));
}

} // namespace

QStringList QRustBinaryLocator::candidates(const QRustBridgeOptions &options)
{
    QStringList out;
    if (!options.binaryPath.isEmpty())
        out << options.binaryPath;
    if (!options.envVarName.isEmpty()) {
        const QString fromEnv = qEnvironmentVariable(options.envVarName.toLocal8Bit().constData());
        if (!fromEnv.isEmpty())
            out << fromEnv;
    }
    const QString name = options.binaryName;
    if (name.isEmpty())
        return out;
    const QString appDir = applicationDir();
    if (!options.platformPackagePrefix.isEmpty()) {
        const QString packageDir = options.platformPackagePrefix + QLatin1Char('-') + nodePlatform()
            + QLatin1Char('-') + nodeArch();
        addWithSuffix(out, QDir(appDir).filePath(packageDir), name);
    }
    for (const QString &local : options.localPaths) {
        if (QFileInfo(local).isDir())
            addWithSuffix(out, local, name);
        else
            out << local;
    }
    addWithSuffix(out, appDir, name);
    addWithSuffix(out, QDir(appDir).filePath(QStringLiteral("../libexec")), name);
    addWithSuffix(out, QStringLiteral("rust/target/release"), name);
    addWithSuffix(out, QStringLiteral("rust/target/debug"), name);
    return out;
}

QString QRustBinaryLocator::locate(const QRustBridgeOptions &options)
{
    const QString key = cacheKey(options);
    const auto cached = m_cache.constFind(key);
    if (cached != m_cache.constEnd() && isExecutableFile(*cached))
        return *cached;

    QString found;
    for (const QString &candidate : candidates(options)) {
        if (isExecutableFile(candidate)) {
            found = QFileInfo(candidate).absoluteFilePath();
            break;
        }
        if (QFileInfo::exists(candidate))
            qCDebug(lcQRustBridge) << "skipping non-executable candidate" << candidate;
    }
    if (found.isEmpty() && options.searchSystemPath && !options.binaryName.isEmpty())
        found = QStandardPaths::findExecutable(options.binaryName);
    if (found.isEmpty())
        return found;
    if (QFileInfo(found).permissions() & QFileDevice::WriteOther)
        qCWarning(lcQRustBridge) << "backend" << found << "is world-writable: anyone could replace it";
    m_cache.insert(key, found);
    return found;
}

void QRustBinaryLocator::clearCache()
{
    m_cache.clear();
}
