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

// Builds the candidate list for one search context.
class CandidateList
{
public:
    CandidateList(const QRustBridgeOptions &options, const QRustBinaryLocator::SearchContext &context)
        : m_options(options)
        , m_context(context)
        , m_windows(context.os == QLatin1String("win32"))
    {
    }

    // A path as given: absolute stays, relative resolves against the app dir
    // (and the working dir when allowed), never implicitly against the CWD.
    void addPath(const QString &path)
    {
        if (QDir::isAbsolutePath(path)) {
            m_out << QDir::cleanPath(path);
            return;
        }
        for (const QString &base : bases())
            m_out << QDir::cleanPath(QDir(base).filePath(path));
    }

    // `<dir>/<name>` with the platform's variants of the name.
    void addName(const QString &dir)
    {
        const QString name = m_options.binaryName;
        const QString suffixed = name + QLatin1Char('_') + goOs() + QLatin1Char('_') + goArch();
        for (const QString &variant : {name, suffixed}) {
            m_out << QDir::cleanPath(QDir(dir).filePath(variant));
            if (m_windows && !variant.endsWith(QLatin1String(".exe"), Qt::CaseInsensitive))
                m_out << QDir::cleanPath(QDir(dir).filePath(variant + QLatin1String(".exe")));
        }
    }

    void addNameRelative(const QString &dir)
    {
        if (QDir::isAbsolutePath(dir)) {
            addName(dir);
            return;
        }
        for (const QString &base : bases())
            addName(QDir(base).filePath(dir));
    }

    // The cargo output of a workspace the app was built in.
    void addDevPaths()
    {
        QStringList roots = selfAndSafeParents(m_context.applicationDir);
        if (m_options.searchWorkingDirectory && !m_context.workingDir.isEmpty())
            roots << m_context.workingDir;
        for (const char *profile : {"rust/target/release", "rust/target/debug"}) {
            for (const QString &root : roots)
                addName(QDir(root).filePath(QLatin1String(profile)));
        }
    }

    QStringList take()
    {
        m_out.removeDuplicates();
        return std::move(m_out);
    }

private:
    QStringList bases() const
    {
        QStringList out{m_context.applicationDir};
        if (m_options.searchWorkingDirectory && !m_context.workingDir.isEmpty())
            out << m_context.workingDir;
        return out;
    }

    // The directory and its ancestors, up to the root or to just below the
    // first directory anyone may write to: a binary there could be planted.
    static QStringList selfAndSafeParents(const QString &start)
    {
        QStringList out;
        QString dir = QDir::cleanPath(QDir(start).absolutePath());
        for (;;) {
            const QFileInfo info(dir);
            if (info.exists() && (info.permissions() & QFileDevice::WriteOther))
                break;
            out << dir;
            const QString parent = QFileInfo(dir).path();
            if (parent == dir)
                break;  // the root
            dir = parent;
        }
        return out;
    }

    // Go-style names for the `_<os>_<arch>` suffix, e.g. demo_linux_amd64.
    QString goOs() const
    {
        return m_windows ? QStringLiteral("windows") : m_context.os;
    }

    QString goArch() const
    {
        if (m_context.arch == QLatin1String("x64"))
            return QStringLiteral("amd64");
        if (m_context.arch == QLatin1String("ia32"))
            return QStringLiteral("386");
        return m_context.arch;
    }

    const QRustBridgeOptions &m_options;
    const QRustBinaryLocator::SearchContext &m_context;
    const bool m_windows;
    QStringList m_out;
};

bool isExecutableFile(const QString &path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

QString cacheKey(const QRustBridgeOptions &o, const QRustBinaryLocator::SearchContext &context)
{
    return QStringList{o.binaryName, o.binaryPath, o.envVarName, o.platformPackagePrefix,
                       o.localPaths.join(QLatin1Char('\x1f')),
                       o.searchSystemPath ? QStringLiteral("1") : QStringLiteral("0"),
                       o.searchWorkingDirectory ? context.workingDir : QString(),
                       context.applicationDir,
                       o.envVarName.isEmpty() ? QString() : qEnvironmentVariable(o.envVarName.toLocal8Bit().constData())}
        .join(QLatin1Char('\x1e'));
}

} // namespace

QRustBinaryLocator::SearchContext QRustBinaryLocator::SearchContext::current()
{
    // Without an application object there is no application directory; the
    // working directory is the only base left, and the caller chose it.
    const QString appDir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath()
                                                        : QDir::currentPath();
    return {nodePlatform(), nodeArch(), appDir, QDir::currentPath()};
}

QStringList QRustBinaryLocator::candidates(const QRustBridgeOptions &options)
{
    return candidates(options, SearchContext::current());
}

QStringList QRustBinaryLocator::candidates(const QRustBridgeOptions &options, const SearchContext &context)
{
    CandidateList list(options, context);
    if (!options.binaryPath.isEmpty()) {
        list.addPath(options.binaryPath);
        return list.take();  // explicit: nothing else may stand in for it
    }
    if (!options.envVarName.isEmpty()) {
        const QString fromEnv = qEnvironmentVariable(options.envVarName.toLocal8Bit().constData());
        if (!fromEnv.isEmpty())
            list.addPath(fromEnv);
    }
    if (options.binaryName.isEmpty())
        return list.take();
    if (!options.platformPackagePrefix.isEmpty()) {
        list.addName(QDir(context.applicationDir)
                         .filePath(options.platformPackagePrefix + QLatin1Char('-') + context.os
                                   + QLatin1Char('-') + context.arch));
    }
    for (const QString &local : options.localPaths) {
        const bool isDir = QFileInfo(QDir(context.applicationDir).filePath(local)).isDir()
            || (QDir::isAbsolutePath(local) && QFileInfo(local).isDir());
        if (isDir)
            list.addNameRelative(local);
        else
            list.addPath(local);
    }
    list.addName(context.applicationDir);
    list.addName(QDir(context.applicationDir).filePath(QStringLiteral("../libexec")));
    list.addDevPaths();
    return list.take();
}

QString QRustBinaryLocator::locate(const QRustBridgeOptions &options)
{
    const SearchContext context = SearchContext::current();
    const QString key = cacheKey(options, context);
    const auto cached = m_cache.constFind(key);
    if (cached != m_cache.constEnd() && isExecutableFile(*cached))
        return *cached;

    QString found;
    for (const QString &candidate : candidates(options, context)) {
        if (isExecutableFile(candidate)) {
            found = QFileInfo(candidate).absoluteFilePath();
            break;
        }
        if (QFileInfo::exists(candidate))
            qCDebug(lcQRustBridge) << "skipping non-executable candidate" << candidate;
    }
    const bool explicitPath = !options.binaryPath.isEmpty();
    if (found.isEmpty() && !explicitPath && options.searchSystemPath && !options.binaryName.isEmpty())
        found = QStandardPaths::findExecutable(options.binaryName);
    if (found.isEmpty())
        return found;
    m_cache.insert(key, found);
    return found;
}

void QRustBinaryLocator::clearCache()
{
    m_cache.clear();
}
