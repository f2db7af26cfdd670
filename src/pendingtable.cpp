#include "pendingtable_p.h"

#include "messagecodec_p.h"
#include "qruststream_p.h"

PendingTable::PendingTable() = default;

PendingTable::~PendingTable() = default;

PendingTable::Entry &PendingTable::add(quint64 id, const QString &method)
{
    Entry &entry = m_entries[id];
    entry.method = method;
    entry.promise.start();
    return entry;
}

PendingTable::Entry *PendingTable::find(quint64 id)
{
    const auto it = m_entries.find(id);
    return it == m_entries.end() ? nullptr : &it->second;
}

bool PendingTable::contains(quint64 id) const
{
    return m_entries.count(id) != 0;
}

std::vector<quint64> PendingTable::ids() const
{
    std::vector<quint64> out;
    out.reserve(m_entries.size());
    for (const auto &entry : m_entries)
        out.push_back(entry.first);
    return out;
}

int PendingTable::size() const
{
    return int(m_entries.size());
}

bool PendingTable::take(quint64 id, Entry &out)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return false;
    out = std::move(it->second);
    m_entries.erase(it);
    dropWatcher(out);
    return true;
}

void PendingTable::dropWatcher(Entry &entry)
{
    if (!entry.cancelWatcher)
        return;
    // deleteLater: we may be inside this watcher's own canceled() signal.
    entry.cancelWatcher->disconnect();
    entry.cancelWatcher->deleteLater();
    entry.cancelWatcher = nullptr;
    --m_watched;
}

std::vector<quint64> PendingTable::polledCancellations() const
{
    std::vector<quint64> ids;
    for (const auto &[id, entry] : m_entries) {
        if (!entry.cancelWatcher && entry.promise.isCanceled())
            ids.push_back(id);
    }
    return ids;
}

void PendingTable::resolve(quint64 id, const QJsonValue &result)
{
    Entry entry;
    if (!take(id, entry))
        return;
    entry.promise.addResult(result);
    entry.promise.finish();
    if (entry.stream)
        entry.stream->d->complete(result);
}

void PendingTable::reject(quint64 id, const QRustBridgeError &error)
{
    Entry entry;
    if (!take(id, entry))
        return;
    completeRejected(entry, error);
}

void PendingTable::completeRejected(Entry &entry, const QRustBridgeError &error)
{
    entry.promise.setException(error);
    entry.promise.finish();
    if (entry.stream)
        entry.stream->d->fail(error);
}

void PendingTable::cancel(quint64 id, const QRustBridgeError &cancelled)
{
    Entry entry;
    if (!take(id, entry))
        return;
    entry.promise.future().cancel();
    entry.promise.finish();
    if (entry.stream)
        entry.stream->d->fail(cancelled);
}

void PendingTable::rejectAll(const QRustBridgeError &error)
{
    std::unordered_map<quint64, Entry> entries;
    entries.swap(m_entries);
    for (auto &[id, entry] : entries)
        dropWatcher(entry);
    for (auto &[id, entry] : entries) {
        completeRejected(entry, QRustBridgeError(error.code(), error.message(), entry.method,
                                                 MessageCodec::requestIdString(id)));
    }
}
