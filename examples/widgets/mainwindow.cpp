#include "mainwindow.h"

#include "backendcontroller.h"
#include "demo_commands.h"
#include "folderhasher.h"
#include "hashresultsmodel.h"
#include "stallmeter.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QLocale>
#include <QtCore/QTime>
#include <QtGui/QFontDatabase>
#include <QtWidgets/QApplication>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTableView>
#include <QtWidgets/QToolBar>
#include <QtWidgets/QVBoxLayout>

namespace {

QString compactJson(const QJsonValue &value)
{
    // Wrapping in an array serializes scalars too; strip the brackets again.
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

QString timestamp()
{
    return QTime::currentTime().toString(QStringLiteral("HH:mm:ss.zzz"));
}

} // namespace

MainWindow::MainWindow(BackendController *controller, QWidget *parent)
    : QMainWindow(parent)
    , m_controller(controller)
    , m_hasher(new FolderHasher(controller->bridge(), this))
    , m_results(new HashResultsModel(this))
    , m_stallMeter(new StallMeter(this))
{
    setWindowTitle(tr("QRustBridge Widgets Example"));
    createActions();
    createCentralArea();
    createDocks();
    createStatusBar();
    connectBackend();
    onStateChanged();
}

MainWindow::~MainWindow() = default;

FolderHasher *MainWindow::hasher() const
{
    return m_hasher;
}

const HashResultsModel *MainWindow::results() const
{
    return m_results;
}

void MainWindow::createActions()
{
    QMenu *backendMenu = menuBar()->addMenu(tr("&Backend"));
    QToolBar *toolBar = addToolBar(tr("Backend"));
    toolBar->setObjectName(QStringLiteral("backendToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->setMovable(false);

    const auto add = [&](const QString &text, const QKeySequence &shortcut, void (MainWindow::*slot)()) {
        auto *action = new QAction(text, this);
        action->setShortcut(shortcut);
        connect(action, &QAction::triggered, this, slot);
        backendMenu->addAction(action);
        toolBar->addAction(action);
        return action;
    };
    m_hashAction = add(tr("&Hash Folder..."), QKeySequence::Open, &MainWindow::chooseFolder);
    m_cancelAction = add(tr("&Cancel"), QKeySequence(Qt::Key_Escape), &MainWindow::cancelHashing);
    backendMenu->addSeparator();
    toolBar->addSeparator();
    m_fetchAction = add(tr("&Fetch 50 MiB"), QKeySequence(Qt::CTRL | Qt::Key_F), &MainWindow::fetchLargePayload);
    m_tickerAction = add(tr("Start &Ticker"), QKeySequence(Qt::CTRL | Qt::Key_T), &MainWindow::startTicker);
    backendMenu->addSeparator();
    toolBar->addSeparator();
    m_restartAction = add(tr("&Restart Backend"), QKeySequence(Qt::CTRL | Qt::Key_R), &MainWindow::restartBackend);
    backendMenu->addSeparator();
    QAction *quit = backendMenu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::createCentralArea()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    auto *progressRow = new QHBoxLayout;
    m_folderLabel = new QLabel(tr("No folder hashed yet. Use \"Hash Folder...\" to pick one."), central);
    m_folderLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hashProgress = new QProgressBar(central);
    m_hashProgress->setRange(0, 1);
    m_hashProgress->setValue(0);
    m_hashProgress->setFormat(tr("%v / %m files"));
    m_hashProgress->setMinimumWidth(220);
    m_cancelButton = new QPushButton(tr("Cancel"), central);
    connect(m_cancelButton, &QPushButton::clicked, this, &MainWindow::cancelHashing);
    progressRow->addWidget(m_folderLabel, 1);
    progressRow->addWidget(m_hashProgress);
    progressRow->addWidget(m_cancelButton);
    layout->addLayout(progressRow);

    m_table = new QTableView(central);
    m_table->setModel(m_results);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(HashResultsModel::FileColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(HashResultsModel::SizeColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(HashResultsModel::HashColumn, QHeaderView::ResizeToContents);
    layout->addWidget(m_table, 1);

    m_summaryLabel = new QLabel(central);
    layout->addWidget(m_summaryLabel);
    setCentralWidget(central);

    connect(m_hasher, &FolderHasher::started, this, &MainWindow::onHashStarted);
    connect(m_hasher, &FolderHasher::fileHashed, m_results, &HashResultsModel::addFile);
    connect(m_hasher, &FolderHasher::progress, this, &MainWindow::onHashProgress);
    connect(m_hasher, &FolderHasher::finished, this, &MainWindow::onHashFinished);
    connect(m_hasher, &FolderHasher::failed, this, &MainWindow::onHashFailed);
    connect(m_hasher, &FolderHasher::runningChanged, this, &MainWindow::updateActions);
}

void MainWindow::createDocks()
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    auto *eventDock = new QDockWidget(tr("Backend Events"), this);
    eventDock->setObjectName(QStringLiteral("eventDock"));
    m_eventLog = new QPlainTextEdit(eventDock);
    m_eventLog->setReadOnly(true);
    m_eventLog->setMaximumBlockCount(1000);
    m_eventLog->setFont(fixed);
    m_eventLog->setPlaceholderText(tr("Events the backend emits appear here. Try \"Start Ticker\"."));
    eventDock->setWidget(m_eventLog);
    addDockWidget(Qt::RightDockWidgetArea, eventDock);

    auto *stderrDock = new QDockWidget(tr("Backend stderr"), this);
    stderrDock->setObjectName(QStringLiteral("stderrDock"));
    m_stderrView = new QPlainTextEdit(stderrDock);
    m_stderrView->setReadOnly(true);
    m_stderrView->setMaximumBlockCount(5000);
    m_stderrView->setFont(fixed);
    stderrDock->setWidget(m_stderrView);
    addDockWidget(Qt::BottomDockWidgetArea, stderrDock);
    resizeDocks({eventDock}, {320}, Qt::Horizontal);
    resizeDocks({stderrDock}, {130}, Qt::Vertical);
}

void MainWindow::createStatusBar()
{
    m_busyIndicator = new QProgressBar(statusBar());
    m_busyIndicator->setRange(0, 0); // indeterminate: animates while the event loop runs
    m_busyIndicator->setMaximumWidth(120);
    m_busyIndicator->setTextVisible(false);
    m_busyIndicator->hide();
    m_responsivenessLabel = new QLabel(statusBar());
    m_stateLabel = new QLabel(statusBar());
    statusBar()->addPermanentWidget(m_busyIndicator);
    statusBar()->addPermanentWidget(m_responsivenessLabel);
    statusBar()->addPermanentWidget(m_stateLabel);

    m_responsivenessTimer.setInterval(50);
    connect(&m_responsivenessTimer, &QTimer::timeout, this, &MainWindow::updateResponsiveness);
}

void MainWindow::connectBackend()
{
    QRustBridge *bridge = m_controller->bridge();
    connect(bridge, &QRustBridge::stateChanged, this, &MainWindow::onStateChanged);
    connect(bridge, &QRustBridge::eventReceived, this, &MainWindow::appendEvent);
    connect(bridge, &QRustBridge::standardErrorLine, this, &MainWindow::appendStandardError);
    connect(bridge, &QRustBridge::errorOccurred, this,
            [this](const QRustBridgeError &error) { showError(error.message()); });
    connect(m_controller, &BackendController::startFinished, this, &MainWindow::onStartFinished);
}

void MainWindow::updateActions()
{
    const bool running = m_controller->bridge()->isRunning();
    const bool hashing = m_hasher->isRunning();
    m_hashAction->setEnabled(running);
    m_cancelAction->setEnabled(hashing);
    m_cancelButton->setEnabled(hashing);
    m_fetchAction->setEnabled(running && !m_fetching);
    m_tickerAction->setEnabled(running);
    const QRustBridge::State state = m_controller->bridge()->state();
    m_restartAction->setEnabled(state == QRustBridge::State::Running || state == QRustBridge::State::NotRunning);
}

void MainWindow::chooseFolder()
{
    auto *dialog = new QFileDialog(this, tr("Choose a Folder to Hash"), m_hasher->path());
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::hashFolder);
    dialog->open(); // window-modal, but the event loop (and the bridge) keep running
}

void MainWindow::hashFolder(const QString &path)
{
    m_hasher->start(QDir::cleanPath(path));
}

void MainWindow::cancelHashing()
{
    m_hasher->cancel();
}

void MainWindow::fetchLargePayload()
{
    if (m_fetching)
        return;
    m_fetching = true;
    updateActions();
    m_busyIndicator->show();
    m_stallMeter->start();
    m_responsivenessTimer.start();
    m_fetchClock.start();
    statusBar()->showMessage(tr("Fetching %1 from the backend...").arg(QLocale().formattedDataSize(LargePayloadBytes)));

    const QJsonObject params{{QStringLiteral("bytes"), LargePayloadBytes}};
    m_controller->bridge()
        ->sendCommand(QStringLiteral("big"), params)
        .then(this,
              [this](const QJsonValue &payload) {
                  // The bridge delivered the reply without blocking us; turning 50 M
                  // characters into a QString would. Do that part on a worker thread.
                  QtConcurrent::run([payload] { return qint64(payload.toString().size()); })
                      .then(this, [this](qint64 size) { finishLargeFetch(true, size, QString()); });
              })
        .onFailed(this, [this](const QRustBridgeError &error) { finishLargeFetch(false, 0, error.message()); })
        .onCanceled(this, [this] { finishLargeFetch(false, 0, tr("the request was cancelled")); });
}

void MainWindow::finishLargeFetch(bool ok, qint64 bytes, const QString &error)
{
    m_stallMeter->stop();
    m_responsivenessTimer.stop();
    updateResponsiveness();
    m_busyIndicator->hide();
    m_fetching = false;
    updateActions();
    const double worstGap = m_stallMeter->worstGapMs();
    if (ok) {
        statusBar()->showMessage(tr("Fetched %1 in %2 ms; longest event-loop gap meanwhile: %3 ms")
                                     .arg(QLocale().formattedDataSize(bytes))
                                     .arg(m_fetchClock.elapsed())
                                     .arg(QLocale().toString(worstGap, 'f', 1)));
    } else {
        showError(tr("Fetching the large payload failed: %1").arg(error));
    }
    Q_EMIT largePayloadFetched(ok, bytes, worstGap);
}

void MainWindow::updateResponsiveness()
{
    m_responsivenessLabel->setText(tr("Event loop: %1 ticks, longest gap %2 ms")
                                       .arg(m_stallMeter->ticks())
                                       .arg(QLocale().toString(m_stallMeter->worstGapMs(), 'f', 1)));
}

void MainWindow::startTicker()
{
    // A typed command from the generated demo_commands.h: the field names
    // come from the Rust struct, so a rename there is a compile error here.
    Demo::TickerParams params;
    params.intervalMs = 200;
    params.count = 25;
    m_controller->bridge()
        ->send<Demo::StartTicker>(params)
        .then(this, [this](bool) { statusBar()->showMessage(tr("Ticker started: 25 events, 200 ms apart"), 5000); })
        .onFailed(this, [this](const QRustBridgeError &error) { showError(error.message()); });
}

void MainWindow::restartBackend()
{
    statusBar()->showMessage(tr("Restarting the backend..."));
    appendStandardError(tr("--- restarting the backend ---"));
    m_controller->restart();
}

void MainWindow::onStateChanged()
{
    m_stateLabel->setText(tr("Backend: %1").arg(m_controller->stateText()));
    updateActions();
}

void MainWindow::onStartFinished(bool ok)
{
    onStateChanged(); // the pid is known now
    if (ok)
        statusBar()->showMessage(tr("Backend ready"), 5000);
    else
        showError(tr("The backend did not start: %1").arg(m_controller->bridge()->lastError().message()));
}

void MainWindow::onHashStarted(const QString &path)
{
    m_results->clear();
    m_folderLabel->setText(QDir::toNativeSeparators(path));
    m_hashProgress->setRange(0, 0); // busy until the backend has listed the folder
    m_summaryLabel->setText(tr("Hashing..."));
}

void MainWindow::onHashProgress(int done, int total)
{
    m_hashProgress->setRange(0, total);
    m_hashProgress->setValue(done);
}

void MainWindow::onHashFinished(int files, qint64 bytes)
{
    m_hashProgress->setRange(0, qMax(files, 1));
    m_hashProgress->setValue(qMax(files, 1));
    m_summaryLabel->setText(tr("%n file(s), %1 hashed", nullptr, files).arg(QLocale().formattedDataSize(bytes)));
}

void MainWindow::onHashFailed(const QRustBridgeError &error)
{
    if (m_hashProgress->maximum() == 0)
        m_hashProgress->setRange(0, 1);
    if (error.code() == QRustBridgeError::Code::Cancelled) {
        m_summaryLabel->setText(tr("Cancelled after %n file(s)", nullptr, m_results->rowCount()));
        return;
    }
    m_summaryLabel->setText(tr("Hashing failed"));
    showError(error.message());
}

void MainWindow::appendEvent(const QString &name, const QJsonValue &data)
{
    m_eventLog->appendPlainText(QStringLiteral("%1  %2  %3").arg(timestamp(), name, compactJson(data)));
}

void MainWindow::appendStandardError(const QString &line)
{
    m_stderrView->appendPlainText(line);
}

void MainWindow::showError(const QString &message)
{
    statusBar()->showMessage(tr("Error: %1").arg(message));
}
