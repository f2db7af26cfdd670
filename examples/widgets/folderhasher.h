#pragma once

#include <QRustBridge/QRustBridge>

#include <QtCore/QObject>
#include <QtCore/QPointer>

// One "hash_files" stream at a time: turns the backend's chunks into
// typed signals the window wires to its progress bar and results table.
class FolderHasher : public QObject
{
    Q_OBJECT
public:
    explicit FolderHasher(QRustBridge *bridge, QObject *parent = nullptr);
    ~FolderHasher() override;

    // Starts hashing every regular file below path (cancels a running job first).
    void start(const QString &path);
    // Cancels the running job: the backend stops walking, failed(Cancelled) follows.
    void cancel();
    bool isRunning() const;
    QString path() const;

Q_SIGNALS:
    void started(const QString &path);
    void fileHashed(const QString &file, qint64 bytes, const QString &hash);
    void progress(int done, int total);
    void finished(int files, qint64 bytes);
    // Also emitted on cancel, with code Cancelled.
    void failed(const QRustBridgeError &error);
    void runningChanged(bool running);

private:
    void onChunk(const QJsonValue &chunk);
    void release();

    QRustBridge *m_bridge;
    QPointer<QRustStream> m_stream;
    QString m_path;
};
