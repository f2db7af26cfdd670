<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>BackendController</name>
    <message>
        <source>Not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running (pid %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HashResultsModel</name>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FNV-1a hash</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>QRustBridge Widgets Example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Hash Folder...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fetch 50 MiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start &amp;Ticker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Restart Backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No folder hashed yet. Use &quot;Hash Folder...&quot; to pick one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%v / %m files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events the backend emits appear here. Try &quot;Start Ticker&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend stderr</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a Folder to Hash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching %1 from the backend...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the request was cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetched %1 in %2 ms; longest event-loop gap meanwhile: %3 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching the large payload failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event loop: %1 ticks, longest gap %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticker started: 25 events, 200 ms apart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restarting the backend...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--- restarting the backend ---</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend did not start: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hashing...</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n file(s), %1 hashed</source>
        <translation>
            <numerusform>%n file, %1 hashed</numerusform>
            <numerusform>%n files, %1 hashed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n file(s)</source>
        <translation>
            <numerusform>Cancelled after %n file</numerusform>
            <numerusform>Cancelled after %n files</numerusform>
        </translation>
    </message>
    <message>
        <source>Hashing failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
