#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrustbridgeoptions.h>

#include <QtCore/QHash>
#include <QtCore/QString>
#include <QtCore/QStringList>

/*!
    \class QRustBinaryLocator
    \brief Finds the backend executable described by QRustBridgeOptions.

    A set \c binaryPath is the only candidate: if it is missing or not
    executable, nothing else is tried (spawn() fails with BinaryNotFound
    naming it). Otherwise, first executable file wins:
    1. the path in environment variable \c envVarName
    2. `<appDir>/<platformPackagePrefix>-<os>-<arch>/<binaryName>` (os: linux, darwin, win32; arch: x64, arm64, ...)
    3. each entry of \c localPaths (a file, or a directory holding binaryName)
    4. `<appDir>/<binaryName>`, `<appDir>/../libexec/<binaryName>`
    5. `rust/target/release/<binaryName>`, then `rust/target/debug/<binaryName>`,
       in the app dir and in each of its parents (so a build tree finds its
       workspace's cargo output), stopping below the first world-writable
       directory (such as /tmp), where anyone could plant a binary
    6. \c PATH, when \c searchSystemPath is set

    Steps 2-5 also try `<binaryName>_<os>_<arch>` (e.g. \c demo_linux_amd64),
    and on Windows `<binaryName>.exe`. Relative paths (\c binaryPath, the
    environment variable's value, \c localPaths) resolve against the
    application's directory, never the working directory: a program started
    from a terminal inside an unpacked archive must not run whatever
    `./rust/target/release/<binaryName>` sits there. With
    \c searchWorkingDirectory set, relative paths also resolve against the
    working directory (after the application's directory), and so do the
    dev paths of step 5.

    Results are cached per options; clearCache() forgets them.
*/
class QRUSTBRIDGE_EXPORT QRustBinaryLocator
{
public:
    /*!
        Where and for which platform the search happens. current() describes
        this process; tests build their own to check another platform's list.
    */
    struct SearchContext
    {
        QString os;               //!< Node's name: linux, darwin, win32, ...
        QString arch;             //!< Node's name: x64, ia32, arm64, ...
        QString applicationDir;   //!< Where the application's executable lives.
        QString workingDir;       //!< Used only with searchWorkingDirectory.
        /*! This process: its platform, application directory and working directory. */
        static SearchContext current();
    };

    /*! Returns the absolute path of the backend, or an empty string. */
    QString locate(const QRustBridgeOptions &options);
    /*! Every path locate() would try before PATH, in order (for diagnostics). */
    static QStringList candidates(const QRustBridgeOptions &options);
    /*! candidates() for another platform or directory, as tests need it. */
    static QStringList candidates(const QRustBridgeOptions &options, const SearchContext &context);
    /*! Forgets cached results, e.g. after installing a new backend. */
    void clearCache();

private:
    QHash<QString, QString> m_cache;
};
