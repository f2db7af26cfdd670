#pragma once

#include <QRustBridge/qrustbridge_export.h>
#include <QRustBridge/qrustbridgeoptions.h>

#include <QtCore/QHash>
#include <QtCore/QString>
#include <QtCore/QStringList>

/*!
    \class QRustBinaryLocator
    \brief Finds the backend executable described by QRustBridgeOptions.

    Candidates, first executable file wins:
    1. \c binaryPath
    2. the path in environment variable \c envVarName
    3. `<appDir>/<platformPackagePrefix>-<os>-<arch>/<binaryName>` (os: linux, darwin, win32; arch: x64, arm64, ...)
    4. each entry of \c localPaths (a file, or a directory holding binaryName)
    5. `<appDir>/<binaryName>`, `<appDir>/../libexec/<binaryName>`
    6. `./rust/target/release/<binaryName>`, `./rust/target/debug/<binaryName>`
    7. \c PATH, when \c searchSystemPath is set

    Steps 3-6 also try `<binaryName>_<os>_<arch>` (e.g. \c demo_linux_amd64).
    Results are cached per options; clearCache() forgets them.
*/
class QRUSTBRIDGE_EXPORT QRustBinaryLocator
{
public:
    /*! Returns the absolute path of the backend, or an empty string. */
    QString locate(const QRustBridgeOptions &options);
    /*! Every path locate() would try, in order (for diagnostics). */
    static QStringList candidates(const QRustBridgeOptions &options);
    /*! Forgets cached results, e.g. after installing a new backend. */
    void clearCache();

private:
    QHash<QString, QString> m_cache;
};
