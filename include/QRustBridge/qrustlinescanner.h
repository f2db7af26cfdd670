#pragma once

#include <QRustBridge/qrustbridge_export.h>

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayList>

/*!
    \class QRustLineScanner
    \brief Splits a byte stream into '\n'-terminated lines, in linear time.

    Push bytes as they arrive with push(); complete lines come out without
    their terminator (a trailing carriage return is kept). A line longer than
    maxPayloadSize() is dropped while it streams in: it is never held whole,
    and droppedLineCount() counts it.
*/
class QRUSTBRIDGE_EXPORT QRustLineScanner
{
public:
    /*! A scanner that drops lines longer than \a maxPayloadSize bytes. */
    explicit QRustLineScanner(qint64 maxPayloadSize = 50 * 1024 * 1024);

    /*! Appends \a data and returns the lines it completed, in order. */
    QByteArrayList push(const QByteArray &data);
    /*! Same as push(), appending to \a lines instead of returning a list. */
    void push(const QByteArray &data, QByteArrayList &lines);

    /*! Forgets any partial line and the discard state. */
    void clear();
    /*! Bytes of the incomplete line held right now. */
    qint64 bufferedBytes() const;
    /*! Removes and returns the incomplete line held, so that another
        scanner can continue it (push() it there first). */
    QByteArray takePartialLine();
    /*! True while the rest of a line longer than maxPayloadSize() is being skipped. */
    bool isDiscarding() const;
    /*! Longest line kept, in bytes, without its newline. */
    qint64 maxPayloadSize() const;
    /*! Sets maxPayloadSize() for lines that start after this call. */
    void setMaxPayloadSize(qint64 bytes);
    /*! Lines dropped because they exceeded maxPayloadSize(). */
    quint64 droppedLineCount() const;

private:
    void appendPartial(const char *bytes, qsizetype length);
    QByteArray takeJoinedLine(const char *tail, qsizetype tailLength);
    void clearPartial();

    QByteArray m_partial;  // the incomplete line; becomes the line when its newline comes
    qint64 m_maxPayloadSize;
    quint64 m_droppedLines = 0;
    bool m_discarding = false;
};
