<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BackendController</name>
    <message>
        <source>Not running</source>
        <translation>Läuft nicht</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Startet</translation>
    </message>
    <message>
        <source>Running (pid %1)</source>
        <translation>Läuft (PID %1)</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>Verbindet neu</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Wird beendet</translation>
    </message>
</context>
<context>
    <name>HashResultsModel</name>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n Byte</numerusform>
            <numerusform>%n Bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>FNV-1a hash</source>
        <translation>FNV-1a-Hash</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>QRustBridge Widgets Example</source>
        <translation>QRustBridge-Widgets-Beispiel</translation>
    </message>
    <message>
        <source>&amp;Backend</source>
        <translation>&amp;Backend</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>&amp;Hash Folder...</source>
        <translation>Ordner &amp;hashen...</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>&amp;Fetch 50 MiB</source>
        <translation>50 MiB &amp;laden</translation>
    </message>
    <message>
        <source>Start &amp;Ticker</source>
        <translation>&amp;Ticker starten</translation>
    </message>
    <message>
        <source>&amp;Restart Backend</source>
        <translation>Backend &amp;neu starten</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>No folder hashed yet. Use &quot;Hash Folder...&quot; to pick one.</source>
        <translation>Noch kein Ordner gehasht. Mit „Ordner hashen...“ einen auswählen.</translation>
    </message>
    <message>
        <source>%v / %m files</source>
        <translation>%v / %m Dateien</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Backend Events</source>
        <translation>Backend-Ereignisse</translation>
    </message>
    <message>
        <source>Events the backend emits appear here. Try &quot;Start Ticker&quot;.</source>
        <translation>Hier erscheinen die Ereignisse des Backends. Probieren Sie „Ticker starten“.</translation>
    </message>
    <message>
        <source>Backend stderr</source>
        <translation>Backend-stderr</translation>
    </message>
    <message>
        <source>Choose a Folder to Hash</source>
        <translation>Ordner zum Hashen auswählen</translation>
    </message>
    <message>
        <source>Fetching %1 from the backend...</source>
        <translation>Lade %1 vom Backend...</translation>
    </message>
    <message>
        <source>the request was cancelled</source>
        <translation>die Anfrage wurde abgebrochen</translation>
    </message>
    <message>
        <source>Fetched %1 in %2 ms; longest event-loop gap meanwhile: %3 ms</source>
        <translation>%1 in %2 ms geladen; längste Pause der Ereignisschleife währenddessen: %3 ms</translation>
    </message>
    <message>
        <source>Fetching the large payload failed: %1</source>
        <translation>Laden der großen Nutzlast fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Event loop: %1 ticks, longest gap %2 ms</source>
        <translation>Ereignisschleife: %1 Ticks, längste Pause %2 ms</translation>
    </message>
    <message>
        <source>Ticker started: 25 events, 200 ms apart</source>
        <translation>Ticker gestartet: 25 Ereignisse im Abstand von 200 ms</translation>
    </message>
    <message>
        <source>Restarting the backend...</source>
        <translation>Backend wird neu gestartet...</translation>
    </message>
    <message>
        <source>--- restarting the backend ---</source>
        <translation>--- Backend wird neu gestartet ---</translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation>Backend: %1</translation>
    </message>
    <message>
        <source>Backend ready</source>
        <translation>Backend bereit</translation>
    </message>
    <message>
        <source>The backend did not start: %1</source>
        <translation>Das Backend ist nicht gestartet: %1</translation>
    </message>
    <message>
        <source>Hashing...</source>
        <translation>Wird gehasht...</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s), %1 hashed</source>
        <translation>
            <numerusform>%n Datei, %1 gehasht</numerusform>
            <numerusform>%n Dateien, %1 gehasht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n file(s)</source>
        <translation>
            <numerusform>Nach %n Datei abgebrochen</numerusform>
            <numerusform>Nach %n Dateien abgebrochen</numerusform>
        </translation>
    </message>
    <message>
        <source>Hashing failed</source>
        <translation>Hashen fehlgeschlagen</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
</context>
</TS>
