// Saves a note through the generated typed command and prints the answer.
// notes [backend path]: without it, the default locator finds the backend
// (next to this program, or in ../libexec once installed).
#include "notes_backend_commands.h"

#include <QRustBridge/QRustBridge>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("notes-backend");
    if (argc > 1)
        options.binaryPath = QString::fromLocal8Bit(argv[1]);
    NotesBackend::expectSchema(options);
    QRustBridge bridge(options);

    bridge.spawn().then(&app, [&](bool started) {
        if (!started)
            throw bridge.lastError();
        NotesBackend::Note note;
        note.title = QStringLiteral("groceries");
        note.tags = QStringList{QStringLiteral("home"), QStringLiteral("food")};
        return bridge.send<NotesBackend::Save>(note);
    }).unwrap().then(&app, [&](const NotesBackend::Saved &saved) {
        out << "saved " << saved.id << ": " << saved.summary << Qt::endl;
        app.exit(0);
    }).onFailed(&app, [&](const QRustBridgeError &error) {
        out << "error: " << error.message() << Qt::endl;
        app.exit(1);
    });
    return app.exec();
}
