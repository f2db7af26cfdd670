// Proves that QRustBridge's messages reach users in their language: the
// German catalog loads, real errors (raised on the caller's thread and on
// the I/O thread) come out in German, and the catalogs are complete.
#include <QRustBridge/QRustBridge>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFutureWatcher>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QTranslator>
#include <QtCore/QXmlStreamReader>
#include <QtTest/QtTest>

namespace {

struct CatalogMessage
{
    QString context;
    QString source;
    QStringList translations; // one entry, or one per plural form
    QString type;             // "", "unfinished", "vanished" or "obsolete"
};

// Reads a Qt Linguist .ts file; fails the calling test on malformed XML.
QList<CatalogMessage> readCatalog(const QString &path, QString *error)
{
    QList<CatalogMessage> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return messages;
    }
    QXmlStreamReader xml(&file);
    QString context;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            CatalogMessage message;
            message.context = context;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("message")) && !xml.atEnd()) {
                xml.readNext();
                if (!xml.isStartElement())
                    continue;
                if (xml.name() == QLatin1String("source")) {
                    message.source = xml.readElementText();
                } else if (xml.name() == QLatin1String("translation")) {
                    message.type = xml.attributes().value(QLatin1String("type")).toString();
                    // Either plain text or <numerusform> children.
                    QString text;
                    while (!xml.atEnd()) {
                        xml.readNext();
                        if (xml.isCharacters())
                            text += xml.text();
                        else if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
                            message.translations << xml.readElementText();
                        else if (xml.isEndElement() && xml.name() == QLatin1String("translation"))
                            break;
                    }
                    if (message.translations.isEmpty())
                        message.translations << text;
                }
            }
            messages << message;
        }
    }
    if (xml.hasError())
        *error = xml.errorString();
    return messages;
}

bool isLive(const CatalogMessage &message)
{
    return message.type != QLatin1String("vanished") && message.type != QLatin1String("obsolete");
}

// %1..%99 and %n, as a set: a translation must keep every placeholder.
QSet<QString> placeholders(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("%(?:\\d{1,2}|n)"));
    QSet<QString> found;
    for (const QRegularExpressionMatch &match : pattern.globalMatch(text))
        found.insert(match.captured());
    return found;
}

QStringList catalogFiles()
{
    return QDir(QStringLiteral(TRANSLATIONS_SOURCE_DIR))
        .entryList({QStringLiteral("qrustbridge_*.ts")}, QDir::Files, QDir::Name);
}

template <typename T>
bool waitFor(const QFuture<T> &future, int timeoutMs = 20000)
{
    QFutureWatcher<T> watcher;
    QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
    watcher.setFuture(future);
    return future.isFinished() || finished.wait(timeoutMs);
}

QRustBridgeError failureOf(const QFuture<QJsonValue> &future)
{
    try {
        future.result();
    } catch (const QRustBridgeError &error) {
        return error;
    }
    return {};
}

} // namespace

class tst_Translations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void germanCatalogLoads();
    void notRunningErrorIsGerman();
    void notRunningErrorIsEnglishWithoutCatalog();
    void binaryNotFoundErrorIsGerman();
    void exitErrorFromIoThreadIsGerman();

    void catalogIsComplete_data();
    void catalogIsComplete();
    void catalogsListTheSameMessages();

private:
    void installGerman();

    QTranslator m_german;
    bool m_installed = false;
};

void tst_Translations::initTestCase()
{
    QVERIFY2(m_german.load(QStringLiteral("qrustbridge_de"), QStringLiteral(TRANSLATIONS_BUILD_DIR)),
             qPrintable(QStringLiteral("no qrustbridge_de.qm in ") + QStringLiteral(TRANSLATIONS_BUILD_DIR)));
}

void tst_Translations::cleanup()
{
    if (m_installed)
        QCoreApplication::removeTranslator(&m_german);
    m_installed = false;
}

void tst_Translations::installGerman()
{
    QVERIFY(QCoreApplication::installTranslator(&m_german));
    m_installed = true;
}

void tst_Translations::germanCatalogLoads()
{
    QVERIFY(!m_german.isEmpty());
    QCOMPARE(m_german.language(), QStringLiteral("de_DE"));
    QCOMPARE(m_german.translate("QRustBridge", "the backend crashed"), QStringLiteral("das Backend ist abgestürzt"));
}

void tst_Translations::notRunningErrorIsGerman()
{
    installGerman();
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    QRustBridge bridge(options);
    const QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("echo"), QJsonObject{});
    QVERIFY(reply.isFinished());
    const QRustBridgeError error = failureOf(reply);
    QCOMPARE(error.code(), QRustBridgeError::Code::NotRunning);
    QCOMPARE(error.message(), QStringLiteral("„echo“ kann nicht gesendet werden: das Backend läuft nicht"));
}

void tst_Translations::notRunningErrorIsEnglishWithoutCatalog()
{
    // The control for the test above: without the translator the text is the source.
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    QRustBridge bridge(options);
    const QRustBridgeError error = failureOf(bridge.sendCommand(QStringLiteral("echo")));
    QCOMPARE(error.code(), QRustBridgeError::Code::NotRunning);
    QCOMPARE(error.message(), QStringLiteral("cannot send \"echo\": the backend is not running"));
}

void tst_Translations::binaryNotFoundErrorIsGerman()
{
    installGerman();
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("qrustbridge-no-such-backend");
    options.searchSystemPath = false;
    QRustBridge bridge(options);
    QSignalSpy errors(&bridge, &QRustBridge::errorOccurred);
    const QFuture<bool> started = bridge.spawn();
    QVERIFY(waitFor(started));
    QCOMPARE(started.result(), false);
    QCOMPARE(bridge.lastError().code(), QRustBridgeError::Code::BinaryNotFound);
    const QString message = bridge.lastError().message();
    QVERIFY2(message.startsWith(QStringLiteral("Backend „qrustbridge-no-such-backend“ nicht gefunden; gesucht in: ")),
             qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral(" und PATH")), qPrintable(message)); // PATH was not searched
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<QRustBridgeError>().message(), message);
}

void tst_Translations::exitErrorFromIoThreadIsGerman()
{
    // This message is made on the bridge's I/O thread, where the process lives.
    installGerman();
    QRustBridgeOptions options;
    options.binaryName = QStringLiteral("demo-backend");
    options.binaryPath = QStringLiteral(DEMO_BACKEND_PATH);
    QRustBridge bridge(options);
    const QFuture<bool> started = bridge.spawn();
    QVERIFY(waitFor(started));
    QVERIFY2(started.result(), qPrintable(bridge.lastError().message()));

    QSignalSpy errors(&bridge, &QRustBridge::errorOccurred);
    const QFuture<QJsonValue> reply = bridge.sendCommand(QStringLiteral("exit"), QJsonObject{{QStringLiteral("code"), 3}});
    QVERIFY(waitFor(reply));
    const QRustBridgeError error = failureOf(reply);
    QCOMPARE(error.code(), QRustBridgeError::Code::ProcessExited);
    QCOMPARE(error.message(), QStringLiteral("das Backend wurde mit Code 3 beendet"));
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(bridge.lastError().message(), QStringLiteral("das Backend wurde mit Code 3 beendet"));
}

void tst_Translations::catalogIsComplete_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = catalogFiles();
    QVERIFY(files.contains(QStringLiteral("qrustbridge_de.ts")));
    QVERIFY(files.contains(QStringLiteral("qrustbridge_en.ts")));
    for (const QString &file : files) {
        if (file != QLatin1String("qrustbridge_en.ts")) // the English catalog is the source
            QTest::newRow(qPrintable(file)) << file;
    }
}

void tst_Translations::catalogIsComplete()
{
    QFETCH(QString, file);
    QString error;
    const QList<CatalogMessage> messages = readCatalog(QDir(QStringLiteral(TRANSLATIONS_SOURCE_DIR)).filePath(file), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(messages.size() > 20);
    for (const CatalogMessage &message : messages) {
        if (!isLive(message))
            continue;
        const QString where = message.context + QLatin1String(": ") + message.source;
        QVERIFY2(message.type != QLatin1String("unfinished"), qPrintable(QStringLiteral("unfinished: ") + where));
        for (const QString &translation : message.translations) {
            QVERIFY2(!translation.trimmed().isEmpty(), qPrintable(QStringLiteral("empty: ") + where));
            QVERIFY2(placeholders(translation) == placeholders(message.source),
                     qPrintable(QStringLiteral("placeholders differ: ") + where + QLatin1String(" -> ") + translation));
        }
    }
}

void tst_Translations::catalogsListTheSameMessages()
{
    // Refreshed together: every source string of the English catalog is in every other one.
    const auto keys = [](const QString &file) {
        QString error;
        QSet<QString> result;
        for (const CatalogMessage &message : readCatalog(QDir(QStringLiteral(TRANSLATIONS_SOURCE_DIR)).filePath(file), &error)) {
            if (isLive(message))
                result.insert(message.context + QLatin1Char('\x1f') + message.source);
        }
        return result;
    };
    const QSet<QString> english = keys(QStringLiteral("qrustbridge_en.ts"));
    QVERIFY(!english.isEmpty());
    for (const QString &file : catalogFiles())
        QCOMPARE(keys(file), english);
}

QTEST_GUILESS_MAIN(tst_Translations)
#include "tst_translations.moc"
