// The Widgets example: a desktop window driving the Rust demo backend.
// Hash a folder (a stream with progress and cancel), watch events and the
// backend's stderr, fetch 50 MiB while the window keeps animating.
//
//   qrustbridge-widgets                 the interactive window
//   qrustbridge-widgets --smoke         scripted session; exit code 0 = every backend call succeeded
//   qrustbridge-widgets --screenshot F  the same session, then saves the window to F (PNG)
#include "backendcontroller.h"
#include "mainwindow.h"
#include "scriptedsession.h"
#include "translationloader.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>
#include <QtGui/QPixmap>
#include <QtWidgets/QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("qrustbridge-widgets"));
    QApplication::setApplicationDisplayName(QStringLiteral("QRustBridge Widgets Example"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Qt Widgets window driving the QRustBridge Rust demo backend."));
    parser.addHelpOption();
    const QCommandLineOption backendOption(QStringLiteral("backend"), QStringLiteral("Path of the demo backend."),
                                           QStringLiteral("path"));
    const QCommandLineOption smokeOption(QStringLiteral("smoke"),
                                         QStringLiteral("Run a scripted session and exit: 0 if every backend call succeeded."));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Run the scripted session, save the window as a PNG and exit."),
                                              QStringLiteral("file"));
    const QCommandLineOption hashDirOption(QStringLiteral("hash-dir"),
                                           QStringLiteral("Folder the scripted session hashes (default: this example's sources)."),
                                           QStringLiteral("dir"));
    const QCommandLineOption localeOption(QStringLiteral("locale"),
                                          QStringLiteral("UI language instead of the system locale, e.g. de or en."),
                                          QStringLiteral("name"));
    parser.addOptions({backendOption, smokeOption, screenshotOption, hashDirOption, localeOption});
    parser.process(app);

    QLocale locale;
    if (parser.isSet(localeOption)) {
        locale = QLocale(parser.value(localeOption));
        QLocale::setDefault(locale);
    }
    TranslationLoader::install(&app, locale);

    BackendController controller(BackendController::demoBackendOptions(parser.value(backendOption)));
    MainWindow window(&controller);
    window.resize(1100, 700);
    window.show();

    const bool scripted = parser.isSet(smokeOption) || parser.isSet(screenshotOption);
    if (!scripted) {
        controller.start();
        return app.exec();
    }

    QString hashDirectory = parser.value(hashDirOption);
#ifdef EXAMPLE_SOURCE_DIR
    if (hashDirectory.isEmpty())
        hashDirectory = QStringLiteral(EXAMPLE_SOURCE_DIR);
#endif
    const QString screenshotFile = parser.value(screenshotOption);
    ScriptedSession session(&window, &controller, hashDirectory);
    QObject::connect(&session, &ScriptedSession::finished, &app, [&](bool ok) {
        if (screenshotFile.isEmpty()) {
            app.exit(ok ? 0 : 1);
            return;
        }
        // Let a few more ticks arrive and the last repaint happen, then grab.
        QTimer::singleShot(800, &window, [&, ok] {
            const bool saved = window.grab().save(screenshotFile, "PNG");
            QTextStream(stdout) << (saved ? "saved " : "could not save ") << screenshotFile << Qt::endl;
            app.exit(ok && saved ? 0 : 1);
        });
    });
    session.start();
    return app.exec();
}
