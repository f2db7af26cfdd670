#pragma once

#include <QtCore/QLocale>
#include <QtCore/QStringList>

class QCoreApplication;

// Installs the translations for a locale: Qt's own (qtbase), QRustBridge's
// (qrustbridge_<lang>.qm, the library's error messages) and this example's.
class TranslationLoader
{
public:
    // Directories searched for qrustbridge_<lang>.qm, first match wins:
    // $QRUSTBRIDGE_TRANSLATIONS_DIR, the build tree, <appDir>/../share/qrustbridge/translations.
    static QStringList searchPaths();
    // Returns the files that were loaded (for diagnostics).
    static QStringList install(QCoreApplication *app, const QLocale &locale);
};
