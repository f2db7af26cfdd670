#pragma once

#include <QRustBridge/qrustbridgeoptions.h>

#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <mutex>
#include <vector>

class QObject;
class ThreadWaker;

// What one bridge says about itself (start, exit, reconnect, skipped lines,
// refused peers): to QRustBridgeOptions::logger when set, else to the
// `qrustbridge` logging category. log() may be called from any thread; the
// user's logger always runs on the bridge's thread, in the order of the calls
// made on each thread.
class BridgeLog
{
public:
    using Logger = decltype(QRustBridgeOptions::logger);

    // `owner` is the bridge: entries from other threads are delivered on its
    // thread, and queued ones die with it.
    BridgeLog(Logger logger, QObject *owner);

    void log(QtMsgType level, const QString &message, const QJsonObject &data = {});
    void debug(const QString &message, const QJsonObject &data = {}) { log(QtDebugMsg, message, data); }
    void warning(const QString &message, const QJsonObject &data = {}) { log(QtWarningMsg, message, data); }
    // Like log(), but never delivered before the caller returns, even on the
    // bridge's thread: for code that must not run the user's logger (which
    // may delete the bridge) in the middle of its own work.
    void queue(QtMsgType level, const QString &message, const QJsonObject &data = {});

private:
    struct Entry
    {
        QtMsgType level;
        QString message;
        QJsonObject data;
    };
    // A logger is set, or the category would print this level.
    bool isHeard(QtMsgType level) const;
    void deliver(const Entry &entry) const;
    void deliverQueued();
    void append(Entry &&entry);

    const Logger m_logger;
    QObject *const m_owner;
    ThreadWaker *const m_waker;
    std::mutex m_mutex;  // a std::mutex so ThreadSanitizer sees the hand-off
    std::vector<Entry> m_queued;
};
