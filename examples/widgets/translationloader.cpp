#include "translationloader.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QLibraryInfo>
#include <QtCore/QTranslator>

namespace {

// Loads "<name>_<lang>.qm" from the first directory that has it; the
// translator is owned by app and stays installed for its lifetime.
QString installFirst(QCoreApplication *app, const QLocale &locale, const QString &name, const QStringList &dirs)
{
    for (const QString &dir : dirs) {
        auto *translator = new QTranslator(app);
        if (translator->load(locale, name, QStringLiteral("_"), dir) && QCoreApplication::installTranslator(translator))
            return translator->filePath();
        delete translator;
    }
    return QString();
}

} // namespace

QStringList TranslationLoader::searchPaths()
{
    QStringList dirs;
    const QString fromEnvironment = qEnvironmentVariable("QRUSTBRIDGE_TRANSLATIONS_DIR");
    if (!fromEnvironment.isEmpty())
        dirs << fromEnvironment;
#ifdef QRUSTBRIDGE_BUILD_TRANSLATIONS_DIR
    dirs << QStringLiteral(QRUSTBRIDGE_BUILD_TRANSLATIONS_DIR);
#endif
    dirs << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/qrustbridge/translations"));
    return dirs;
}

QStringList TranslationLoader::install(QCoreApplication *app, const QLocale &requested)
{
    // The "C" locale (LANG=C) reads as English; that gets English plural forms.
    const QLocale locale = requested.language() == QLocale::C ? QLocale(QLocale::English) : requested;
    const QStringList loaded{
        installFirst(app, locale, QStringLiteral("qtbase"), {QLibraryInfo::path(QLibraryInfo::TranslationsPath)}),
        installFirst(app, locale, QStringLiteral("qrustbridge"), searchPaths()),
        installFirst(app, locale, QStringLiteral("widgets"), {QStringLiteral(":/i18n")}),
    };
    QStringList result;
    for (const QString &file : loaded) {
        if (!file.isEmpty())
            result << file;
    }
    return result;
}
