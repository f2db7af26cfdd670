#include "bridgelog_p.h"

#include "logging_p.h"
#include "threadwaker_p.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QThread>

BridgeLog::BridgeLog(Logger logger, QObject *owner)
    : m_logger(std::move(logger))
    , m_owner(owner)
    , m_waker(new ThreadWaker([this] { deliverQueued(); }, owner))
{
}

void BridgeLog::log(QtMsgType level, const QString &message, const QJsonObject &data)
{
    if (!isHeard(level))
        return;  // nobody would see it: cost nothing, on either thread
    Entry entry{level, message, data};
    if (QThread::currentThread() == m_owner->thread()) {
        deliver(entry);
        return;
    }
    append(std::move(entry));
}

void BridgeLog::queue(QtMsgType level, const QString &message, const QJsonObject &data)
{
    if (!isHeard(level))
        return;
    append(Entry{level, message, data});
}

bool BridgeLog::isHeard(QtMsgType level) const
{
    return m_logger || lcQRustBridge().isEnabled(level);
}

void BridgeLog::append(Entry &&entry)
{
    bool first = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        first = m_queued.empty();
        m_queued.push_back(std::move(entry));
    }
    if (first)
        m_waker->post();
}

void BridgeLog::deliverQueued()
{
    std::vector<Entry> entries;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        entries.swap(m_queued);
    }
    for (const Entry &entry : entries)
        deliver(entry);
}

void BridgeLog::deliver(const Entry &entry) const
{
    if (m_logger) {
        m_logger(entry.level, entry.message, entry.data);
        return;
    }
    const QLoggingCategory &category = lcQRustBridge();
    if (!category.isEnabled(entry.level))
        return;
    const QString text = entry.data.isEmpty()
        ? entry.message
        : entry.message + QLatin1Char(' ')
            + QString::fromUtf8(QJsonDocument(entry.data).toJson(QJsonDocument::Compact));
    QMessageLogger logger(nullptr, 0, nullptr, category.categoryName());
    switch (entry.level) {
    case QtDebugMsg:
        logger.debug("%ls", qUtf16Printable(text));
        break;
    case QtInfoMsg:
        logger.info("%ls", qUtf16Printable(text));
        break;
    case QtWarningMsg:
        logger.warning("%ls", qUtf16Printable(text));
        break;
    case QtCriticalMsg:
    case QtFatalMsg:  // a bridge never aborts the application
        logger.critical("%ls", qUtf16Printable(text));
        break;
    }
}
