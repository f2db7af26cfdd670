#include <QRustBridge/qrustlinescanner.h>

#include "logging_p.h"

QRustLineScanner::QRustLineScanner(qint64 maxPayloadSize)
    : m_maxPayloadSize(maxPayloadSize)
{
}

QByteArrayList QRustLineScanner::push(const QByteArray &data)
{
    QByteArrayList lines;
    push(data, lines);
    return lines;
}

void QRustLineScanner::push(const QByteArray &data, QByteArrayList &lines)
{
    // Each byte is looked at once: complete lines are cut straight out of
    // `data`; only the unterminated tail is copied into m_partial.
    qsizetype start = 0;
    const qsizetype size = data.size();
    while (start < size) {
        const qsizetype newline = data.indexOf('\n', start);
        const qsizetype end = newline < 0 ? size : newline;
        const qsizetype pieceLength = end - start;

        if (m_discarding) {
            if (newline >= 0) {
                m_discarding = false;
                ++m_droppedLines;
            }
        } else if (m_partial.size() + pieceLength > m_maxPayloadSize) {
            qCWarning(lcQRustBridge) << "dropping a line longer than maxPayloadSize" << m_maxPayloadSize;
            m_partial.clear();
            m_partial.squeeze();
            if (newline >= 0)
                ++m_droppedLines;
            else
                m_discarding = true;
        } else if (newline < 0) {
            m_partial.append(data.constData() + start, pieceLength);
        } else if (m_partial.isEmpty()) {
            lines.append(data.mid(start, pieceLength));
        } else {
            m_partial.append(data.constData() + start, pieceLength);
            lines.append(std::move(m_partial));
            m_partial = QByteArray();
        }
        if (newline < 0)
            break;
        start = newline + 1;
    }
}

void QRustLineScanner::clear()
{
    m_partial = QByteArray();
    m_discarding = false;
}

qint64 QRustLineScanner::bufferedBytes() const
{
    return m_partial.size();
}

qint64 QRustLineScanner::maxPayloadSize() const
{
    return m_maxPayloadSize;
}

void QRustLineScanner::setMaxPayloadSize(qint64 bytes)
{
    m_maxPayloadSize = bytes;
}

quint64 QRustLineScanner::droppedLineCount() const
{
    return m_droppedLines;
}
