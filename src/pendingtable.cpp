#include "pendingtable_p.h"

#include "messagecodec_p.h"
#include "qruststream_p.h"

#include <algorithm>

PendingTable::Entry::~Entry()
{
    if (promise && !promise->isFinished()) {
        promise->cancel();
        promise->reportFinished();
    }
}

PendingTable::PendingTable() = default;

PendingTable::~PendingTable() = default;

PendingTable::Entry &PendingTable::add(quint64 id, const QString &method)
{
    Entry &entry = m_entries[id];
    entry.method = method;
    entry.promise.emplace();
    entry.promise->reportStarted();
    if (m_watchedIds.size() < std::size_t(maxWatchedEntries)) {
        entry.watched = true;
        m_watchedIds.push_back(id);
    }
    return entry;
}

PendingTable::Entry &PendingTable::addWithHandler(quint64 id, const QString &method, const QObject *context,
                                                 QRustBridge::ReplyHandler handler)
{
    Entry &entry = m_entries[id];
    entry.method = method;
    entry.handler = GuardedReplyHandler(context, std::move(handler));
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

bool PendingTable::deliverChunk(quint64 id, const QJsonValue &chunk)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !it->second.stream)
        return false;
    it->second.stream->d->deliverChunk(chunk);
    return true;
}

int PendingTable::size() const
{
    return int(m_entries.size());
}

PendingTable::Map::node_type PendingTable::take(quint64 id)
{
    Map::node_type node = m_entries.extract(id);
    if (!node)
        return node;
    if (node.mapped().watched)
        m_watchedIds.erase(std::find(m_watchedIds.begin(), m_watchedIds.end(), id));
    return node;
}

std::vector<quint64> PendingTable::watchedCancellations() const
{
    std::vector<quint64> ids;
    for (quint64 id : m_watchedIds) {
        const auto it = m_entries.find(id);
        if (it != m_entries.end() && it->second.promise->isCanceled())
            ids.push_back(id);
    }
    return ids;
}

std::vector<quint64> PendingTable::polledCancellations() const
{
    std::vector<quint64> ids;
    for (const auto &[id, entry] : m_entries) {
        if (entry.promise && entry.promise->isCanceled())
            ids.push_back(id);
    }
    return ids;
}

void PendingTable::finish(Entry &entry, const Outcome &outcome)
{
    using Kind = Outcome::Kind;
    if (!entry.promise) {
        if (outcome.kind == Kind::Result)
            entry.handler(outcome.result, QRustBridgeError());
        else
            entry.handler(QJsonValue(), outcome.error);
        return;
    }
    switch (outcome.kind) {
    case Kind::Result:
        entry.promise->reportResult(outcome.result);
        break;
    case Kind::Error:
        entry.promise->reportException(outcome.error);
        break;
    case Kind::Cancelled:
        entry.promise->cancel();
        break;
    }
    entry.promise->reportFinished();
    if (!entry.stream)
        return;
    entry.stream->d->finish(outcome.kind == Kind::Result ? nullptr : &outcome.error, outcome.result);
}

void PendingTable::resolve(quint64 id, const QJsonValue &result)
{
    if (Map::node_type node = take(id))
        finish(node.mapped(), {Outcome::Kind::Result, result, QRustBridgeError()});
}

void PendingTable::reject(quint64 id, const QRustBridgeError &error)
{
    if (Map::node_type node = take(id))
        finish(node.mapped(), {Outcome::Kind::Error, QJsonValue(), error});
}

void PendingTable::cancel(quint64 id, const QRustBridgeError &cancelled)
{
    if (Map::node_type node = take(id))
        finish(node.mapped(), {Outcome::Kind::Cancelled, QJsonValue(), cancelled});
}

void PendingTable::rejectAll(const QRustBridgeError &error)
{
    Map entries;
    entries.swap(m_entries);
    m_watchedIds.clear();
    for (auto &[id, entry] : entries) {
        const QRustBridgeError filledIn(error.code(), error.message(), entry.method,
                                        MessageCodec::requestIdString(id));
        finish(entry, {Outcome::Kind::Error, QJsonValue(), filledIn});
    }
}
