#pragma once

#include <QtCore/QLoggingCategory>

// Filter with QT_LOGGING_RULES="qrustbridge.debug=true" like any Qt module.
Q_DECLARE_LOGGING_CATEGORY(lcQRustBridge)
