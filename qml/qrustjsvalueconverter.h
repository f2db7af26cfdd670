#pragma once

#include "qrustbridgeqml_export.h"

#include <QtCore/QJsonValue>
#include <QtCore/QString>
#include <QtQml/QJSValue>

class QJSEngine;

/*!
    \class QRustJSValueConverter
    \brief Converts between QJsonValue and JavaScript values without a QVariant detour.

    Used by the QML element \c RustBridge for request parameters, results,
    stream chunks and event data. Going straight through the engine keeps
    JSON types intact: integers stay JavaScript numbers (never strings),
    objects stay plain JavaScript objects, arrays stay arrays.

    JSON to JavaScript (toJs()):
    \list
    \li null, bool, string, number: the JavaScript value of the same type
        (integers beyond 2^53 lose precision, as they would in JSON.parse)
    \li array: a new Array; object: a new plain Object
    \li undefined (a missing value): \c undefined
    \endlist

    JavaScript to JSON (toJson()) follows JSON.stringify():
    \list
    \li \c undefined, functions and symbols are dropped from objects and
        become null in arrays; at the top level they become null
    \li NaN and +-Infinity become null; integral numbers up to 2^53 are
        written as JSON integers (\c 42, not \c 42.0); -0 becomes 0
    \li objects with a callable \c toJSON (e.g. Date) are replaced by its result
    \li C++ sequences (QStringList, QList<int>, QVariantList ...) become
        arrays, element by element (Qt 6.4 hands a QVariantList to JavaScript
        as an Array, Qt 6.5 and later as a sequence: the result is the same)
    \li value types with members (point, size, Q_GADGETs) become objects of
        their members
    \li QObjects, URLs and C++ values wrapped without members (QUuid, QColor
        ...) go through QJsonValue::fromVariant()
    \li the empty key \c "" stays an empty key (Qt 6.8's QJsonObject crashes
        on the null key QJSValueIterator gives for it: normalized here)
    \li a cyclic structure, or nesting deeper than maxDepth(), is an error
    \endlist
*/
class QRUSTBRIDGEQML_EXPORT QRustJSValueConverter
{
public:
    /*! Returns \a value as a JavaScript value owned by \a engine. */
    static QJSValue toJs(QJSEngine *engine, const QJsonValue &value);

    /*!
        Returns \a value as JSON. On failure returns QJsonValue::Undefined
        and stores a human-readable reason in \a error (if not null).
    */
    static QJsonValue toJson(const QJSValue &value, QString *error);

    /*! Deepest nesting of arrays and objects toJson() accepts. */
    static constexpr int maxDepth() { return 512; }
};
