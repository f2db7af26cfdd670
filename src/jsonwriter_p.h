#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QJsonValue>
#include <QtCore/QStringView>

#include <memory>

class QCborStreamWriter;
class QCborValue;
class CborTextSink;

// Serializes JSON values as compact UTF-8, byte for byte what
// QJsonDocument::toJson(Compact) writes, straight into the caller's buffer:
// no QJsonDocument temporary (a second copy of a 50 MiB request) and no
// wrap-in-an-array trick for scalars.
//
// Strings inside objects and arrays are read from Qt's own storage through
// QCborStreamWriter, not through QJsonValue::toString(), which turns a
// US-ASCII string (how Qt stores one) into a UTF-16 copy twice its size.
// One writer per thread: it keeps that stream writer between calls.
class JsonWriter
{
public:
    JsonWriter();
    ~JsonWriter();
    JsonWriter(const JsonWriter &) = delete;
    JsonWriter &operator=(const JsonWriter &) = delete;

    void appendValue(QByteArray &out, const QJsonValue &value);
    // Appends `s` as a JSON string literal: escapes as Qt's JSON writer does,
    // UTF-8 otherwise, a lone surrogate as \uXXXX.
    static void appendString(QByteArray &out, QStringView s);

private:
    void appendCborValue(QByteArray &out, const QCborValue &value);
    void appendCborString(QByteArray &out, const QCborValue &text);

    std::unique_ptr<CborTextSink> m_sink;
    std::unique_ptr<QCborStreamWriter> m_cbor;
};
