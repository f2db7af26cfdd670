#pragma once

#include <QRustBridge/QRustBridge>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTimer>
#include <QtWidgets/QMainWindow>

class BackendController;
class FolderHasher;
class HashResultsModel;
class StallMeter;

class QAction;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

// The example's window. Every backend call is asynchronous: actions send a
// request and return at once; replies, chunks, events and stderr lines come
// back as signals or QFuture continuations (then(this, ...)) and update widgets.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    static constexpr qint64 LargePayloadBytes = 50 * 1024 * 1024;

    explicit MainWindow(BackendController *controller, QWidget *parent = nullptr);
    ~MainWindow() override;

    FolderHasher *hasher() const;
    const HashResultsModel *results() const;

public Q_SLOTS:
    // Opens a (non-modal) folder dialog; hashFolder() runs when one is picked.
    void chooseFolder();
    void hashFolder(const QString &path);
    void cancelHashing();
    // Asks the backend for 50 MiB while the GUI keeps ticking.
    void fetchLargePayload();
    void startTicker();
    void restartBackend();

Q_SIGNALS:
    // After fetchLargePayload(): bytes received and the longest event-loop gap meanwhile.
    void largePayloadFetched(bool ok, qint64 bytes, double worstGapMs);

private:
    void createActions();
    void createCentralArea();
    void createDocks();
    void createStatusBar();
    void connectBackend();
    void updateActions();

    void onStateChanged();
    void onStartFinished(bool ok);
    void onHashStarted(const QString &path);
    void onHashProgress(int done, int total);
    void onHashFinished(int files, qint64 bytes);
    void onHashFailed(const QRustBridgeError &error);
    void appendEvent(const QString &name, const QJsonValue &data);
    void appendStandardError(const QString &line);
    void finishLargeFetch(bool ok, qint64 bytes, const QString &error);
    void updateResponsiveness();
    void showError(const QString &message);

    BackendController *m_controller;
    FolderHasher *m_hasher;
    HashResultsModel *m_results;
    StallMeter *m_stallMeter;
    QTimer m_responsivenessTimer;
    QElapsedTimer m_fetchClock;
    bool m_fetching = false;

    QAction *m_hashAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_fetchAction = nullptr;
    QAction *m_tickerAction = nullptr;
    QAction *m_restartAction = nullptr;

    QLabel *m_folderLabel = nullptr;
    QProgressBar *m_hashProgress = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_summaryLabel = nullptr;
    QPlainTextEdit *m_eventLog = nullptr;
    QPlainTextEdit *m_stderrView = nullptr;
    QLabel *m_stateLabel = nullptr;
    QProgressBar *m_busyIndicator = nullptr;
    QLabel *m_responsivenessLabel = nullptr;
};
