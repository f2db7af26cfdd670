#pragma once

#include "messages_p.h"

#include <QtCore/QByteArray>

class JsonWriter;

// Lines <-> protocol messages (docs/protocol.md). Pure functions, used by IoWorker and BulkCodec.
namespace MessageCodec {

// Appends `{"id":"<id>","method":...,"params":...}\n` to `out`. The I/O
// thread passes its long-lived writer; the short form makes a fresh one.
void appendRequest(QByteArray &out, const OutboundRequest &request, JsonWriter &writer);
void appendRequest(QByteArray &out, const OutboundRequest &request);

// Decodes one line. Returns false (and says why in `problem`) for lines that
// carry nothing the bridge can use; a response whose shape is wrong decodes
// into RequestFailed with a ProtocolError, so its request fails instead of timing out.
bool decode(const QByteArray &line, InboundMessage &out, QString &problem);

QString requestIdString(quint64 id);

} // namespace MessageCodec
