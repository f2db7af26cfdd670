// qrustbridge-codegen: a backend's self-description (`<backend> --describe`,
// format in docs/contract.md) in, one C++ header with the typed client out.
#include "descriptionreader.h"
#include "headerwriter.h"
#include "nameassigner.h"
#include "namingpolicy.h"
#include "typeorder.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>

#include <cstdio>

namespace {

constexpr int exitDescriptionError = 1;
constexpr int exitUsageError = 2;

void printError(const QString &message)
{
    std::fprintf(stderr, "qrustbridge-codegen: %s\n", qPrintable(message));
}

bool validNamespace(const QString &name)
{
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z][A-Za-z0-9_]*$"));
    const QStringList parts = name.split(QLatin1String("::"));
    for (const QString &part : parts) {
        if (!identifier.match(part).hasMatch() || NamingPolicy::isReserved(part))
            return false;
    }
    return !parts.isEmpty();
}

// Reads `path` ("-" is stdin).
bool readInput(const QString &path, QByteArray &data, QString &error)
{
    QFile file;
    const bool ok = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly)
                                               : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!ok) {
        error = QStringLiteral("%1: cannot read: %2").arg(path, file.errorString());
        return false;
    }
    data = file.readAll();
    return true;
}

// Writes `text` to `path` ("-" is stdout), leaving an unchanged file alone
// so that what includes it is not rebuilt.
bool writeOutput(const QString &path, const QByteArray &text, QString &error)
{
    if (path == QLatin1String("-")) {
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
        return std::fflush(stdout) == 0;
    }
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly) && existing.readAll() == text)
        return true;
    existing.close();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
        error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qrustbridge-codegen"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QRUSTBRIDGE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Generates the typed C++ (and QML) client of a Rust backend from its self-description.\n"
        "\n"
        "The description is what `<backend> --describe` prints (docs/contract.md); \"-\" reads it\n"
        "from standard input. The header declares, in the given namespace: a Q_GADGET per struct\n"
        "(camelCase properties, JSON keys unchanged), an enum class per unit enum, a gadget per\n"
        "union, a command struct per command for bridge.send<Cmd>() and qRustSendStreaming<Cmd>(),\n"
        "QRustJsonConverter specializations, the schema hash and expectSchema(options). With --qml\n"
        "also <namespace>::Client, a QObject calling the commands through a RustBridge element, and\n"
        "registerQmlTypes(uri). The header is meant to be compiled with AUTOMOC.\n"
        "\n"
        "Exit status: 0 on success, 1 when the description is invalid (the message names the file\n"
        "and the JSON path), 2 on a usage error. An unchanged output file is not rewritten."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption nameSpace(QStringLiteral("namespace"),
                                       QStringLiteral("C++ namespace of the generated code, e.g. Demo or Acme::Demo (required)."),
                                       QStringLiteral("name"));
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("Header to write; \"-\" or absent: standard output."),
                                    QStringLiteral("file"), QStringLiteral("-"));
    const QCommandLineOption qml(QStringLiteral("qml"),
                                 QStringLiteral("Also generate the QML client <namespace>::Client (needs QtQml)."));
    parser.addOptions({nameSpace, output, qml});
    parser.addPositionalArgument(QStringLiteral("description"), QStringLiteral("The description JSON file, or \"-\" for standard input."));
    parser.process(app);

    const QStringList inputs = parser.positionalArguments();
    if (inputs.size() != 1) {
        printError(QStringLiteral("expected one description file (or \"-\"), got %1; see --help").arg(inputs.size()));
        return exitUsageError;
    }
    if (!parser.isSet(nameSpace)) {
        printError(QStringLiteral("--namespace is required; see --help"));
        return exitUsageError;
    }
    const QString ns = parser.value(nameSpace);
    if (!validNamespace(ns)) {
        printError(QStringLiteral("--namespace \"%1\": not a C++ namespace name (identifiers separated by ::, "
                                  "starting with a letter, no keywords)").arg(ns));
        return exitUsageError;
    }

    const QString input = inputs.first();
    const QString inputName = input == QLatin1String("-") ? QStringLiteral("<stdin>") : input;
    QByteArray json;
    QString error;
    if (!readInput(input, json, error)) {
        printError(error);
        return exitDescriptionError;
    }
    DescriptionReader reader;
    std::optional<Description> description = reader.read(json, &error);
    if (!description) {
        printError(inputName + QLatin1String(": ") + error);
        return exitDescriptionError;
    }
    NameAssigner().assign(*description);
    const auto types = TypeOrder::order(*description, &error);
    if (!types) {
        printError(inputName + QLatin1String(": ") + error);
        return exitDescriptionError;
    }

    HeaderWriter::Options options;
    options.nameSpace = ns;
    options.sourceName = input == QLatin1String("-") ? QStringLiteral("standard input")
                                                     : QFileInfo(input).fileName();
    options.qml = parser.isSet(qml);
    const QByteArray header = HeaderWriter(*description, *types, options).write().toUtf8();
    if (!writeOutput(parser.value(output), header, error)) {
        printError(error);
        return exitDescriptionError;
    }
    return 0;
}
