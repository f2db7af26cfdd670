<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Converter</name>
    <message>
        <source>toJSON() threw: %1</source>
        <translation>toJSON() hat eine Ausnahme ausgelöst: %1</translation>
    </message>
    <message>
        <source>cannot convert a cyclic structure to JSON</source>
        <translation>eine zyklische Struktur lässt sich nicht in JSON umwandeln</translation>
    </message>
    <message>
        <source>nesting is deeper than %1 levels</source>
        <translation>die Verschachtelung ist tiefer als %1 Ebenen</translation>
    </message>
</context>
<context>
    <name>QRustBridge</name>
    <message>
        <source>%1: expected a string, got %2</source>
        <translation>%1: Zeichenkette erwartet, %2 erhalten</translation>
    </message>
    <message>
        <source>%1: expected a boolean, got %2</source>
        <translation>%1: Wahrheitswert erwartet, %2 erhalten</translation>
    </message>
    <message>
        <source>%1: expected a number, got %2</source>
        <translation>%1: Zahl erwartet, %2 erhalten</translation>
    </message>
    <message>
        <source>%1: expected an integer, got %2</source>
        <translation>%1: ganze Zahl erwartet, %2 erhalten</translation>
    </message>
    <message>
        <source>%1: expected an object, got %2</source>
        <translation>%1: Objekt erwartet, %2 erhalten</translation>
    </message>
    <message>
        <source>%1: expected an array, got %2</source>
        <translation>%1: Array erwartet, %2 erhalten</translation>
    </message>
    <message>
        <source>%1: %2 is out of range (%3 to %4)</source>
        <translation>%1: %2 liegt außerhalb des Wertebereichs (%3 bis %4)</translation>
    </message>
    <message>
        <source>%1: the type %2 has no JSON conversion</source>
        <translation>%1: für den Typ %2 gibt es keine JSON-Umwandlung</translation>
    </message>
    <message>
        <source>%1: expected an enumerator name, got %2</source>
        <translation>%1: Name eines Enumerators erwartet, %2 erhalten</translation>
    </message>
    <message>
        <source>%1: %2 is not one of %3</source>
        <translation>%1: %2 ist keiner der Werte %3</translation>
    </message>
    <message>
        <source>%1: required field is missing</source>
        <translation>%1: Pflichtfeld fehlt</translation>
    </message>
    <message>
        <source>%1: %2 does not convert to %3</source>
        <translation>%1: %2 lässt sich nicht in %3 umwandeln</translation>
    </message>
    <message>
        <source>the request is larger than maxPayloadSize (%1 bytes); nothing was sent</source>
        <translation>die Anfrage ist größer als maxPayloadSize (%1 Bytes); es wurde nichts gesendet</translation>
    </message>
    <message>
        <source>the backend&apos;s response has no boolean &quot;success&quot; field</source>
        <translation>der Antwort des Backends fehlt das boolesche Feld „success“</translation>
    </message>
    <message>
        <source>cannot tell which user runs the server on %1; refusing it</source>
        <translation>unter welchem Benutzer der Server auf %1 läuft, lässt sich nicht feststellen; Verbindung abgelehnt</translation>
    </message>
    <message>
        <source>the server on %1 runs as another user (uid %2); refusing it</source>
        <translation type="vanished">der Server auf %1 läuft unter einem anderen Benutzer (UID %2); Verbindung abgelehnt</translation>
    </message>
    <message>
        <source>the bridge was destroyed</source>
        <translation>die Bridge wurde zerstört</translation>
    </message>
    <message>
        <source>cannot send &quot;%1&quot;: the backend is not running</source>
        <translation>„%1“ kann nicht gesendet werden: das Backend läuft nicht</translation>
    </message>
    <message>
        <source>the bridge is already started; call kill() first</source>
        <translation>die Bridge ist bereits gestartet; zuerst kill() aufrufen</translation>
    </message>
    <message>
        <source>backend &quot;%1&quot; not found; looked in: %2%3</source>
        <translation>Backend „%1“ nicht gefunden; gesucht in: %2%3</translation>
    </message>
    <message>
        <source> and PATH</source>
        <translation> und PATH</translation>
    </message>
    <message>
        <source>the backend was stopped by kill()</source>
        <translation>das Backend wurde durch kill() beendet</translation>
    </message>
    <message>
        <source>start was interrupted by kill()</source>
        <translation>der Start wurde durch kill() abgebrochen</translation>
    </message>
    <message>
        <source>stream &quot;%1&quot; was silent for %2 ms</source>
        <translation>Stream „%1“ hat %2 ms lang nichts gesendet</translation>
    </message>
    <message>
        <source>&quot;%1&quot; was cancelled</source>
        <translation>„%1“ wurde abgebrochen</translation>
    </message>
    <message>
        <source>no response to &quot;%1&quot; within %2 ms</source>
        <translation>keine Antwort auf „%1“ innerhalb von %2 ms</translation>
    </message>
    <message>
        <source>the backend did not send &quot;%1&quot; within %2 ms</source>
        <translation>das Backend hat „%1“ nicht innerhalb von %2 ms gesendet</translation>
    </message>
    <message>
        <source>the backend stopped before it was ready: %1</source>
        <translation>das Backend wurde beendet, bevor es bereit war: %1</translation>
    </message>
    <message>
        <source>socket path is %1 bytes long; this platform allows at most %2: %3</source>
        <translation>der Socket-Pfad ist %1 Bytes lang; diese Plattform erlaubt höchstens %2: %3</translation>
    </message>
    <message>
        <source>cannot connect to %1: %2</source>
        <translation>Verbindung zu %1 nicht möglich: %2</translation>
    </message>
    <message>
        <source>the connection to %1 was closed</source>
        <translation>die Verbindung zu %1 wurde geschlossen</translation>
    </message>
    <message>
        <source>the backend crashed</source>
        <translation>das Backend ist abgestürzt</translation>
    </message>
    <message>
        <source>the backend exited with code %1</source>
        <translation>das Backend wurde mit Code %1 beendet</translation>
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation>%1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>TLS was requested but no TLS backend is available</source>
        <translation>TLS wurde angefordert, aber es ist kein TLS-Backend verfügbar</translation>
    </message>
    <message>
        <source>no CA certificate could be read from %1</source>
        <translation>aus %1 konnte kein CA-Zertifikat gelesen werden</translation>
    </message>
    <message>
        <source>no client certificate could be read from %1</source>
        <translation>aus %1 konnte kein Client-Zertifikat gelesen werden</translation>
    </message>
    <message>
        <source>cannot read the client key %1</source>
        <translation>der Client-Schlüssel %1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>the client key %1 is not a PEM RSA or EC key</source>
        <translation>der Client-Schlüssel %1 ist kein RSA- oder EC-Schlüssel im PEM-Format</translation>
    </message>
    <message>
        <source>TLS verification failed: %1</source>
        <translation>TLS-Überprüfung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a valid URL</source>
        <translation>%1: „%2“ ist keine gültige URL</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a UUID</source>
        <translation>%1: „%2“ ist keine UUID</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not an ISO 8601 date and time</source>
        <translation>%1: „%2“ ist kein Datum mit Uhrzeit nach ISO 8601</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not an ISO 8601 date</source>
        <translation>%1: „%2“ ist kein Datum nach ISO 8601</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not an ISO 8601 time</source>
        <translation>%1: „%2“ ist keine Uhrzeit nach ISO 8601</translation>
    </message>
    <message>
        <source>the server on %1 runs as uid %2, which is neither this process&apos;s user (uid %3) nor root; add it to QRustSocketOptions::trustedServerUids to trust it</source>
        <translation>der Server auf %1 läuft als UID %2, weder als Benutzer dieses Prozesses (UID %3) noch als root; um ihm zu vertrauen, in QRustSocketOptions::trustedServerUids aufnehmen</translation>
    </message>
    <message>
        <source>backend &quot;%1&quot; (binaryPath) is not an executable file</source>
        <translation>Backend „%1“ (binaryPath) ist keine ausführbare Datei</translation>
    </message>
    <message>
        <source>backend &quot;%1&quot; (binaryPath) does not exist</source>
        <translation>Backend „%1“ (binaryPath) existiert nicht</translation>
    </message>
    <message>
        <source>cannot connect to %1: permission denied; %2</source>
        <translation>Verbindung zu %1 nicht möglich: Zugriff verweigert; %2</translation>
    </message>
    <message>
        <source>the socket cannot be looked at (%1): a directory on the way, such as %2, does not let this process (uid %3) through</source>
        <translation>der Socket ist nicht einsehbar (%1): ein Verzeichnis auf dem Weg, etwa %2, lässt diesen Prozess (UID %3) nicht durch</translation>
    </message>
    <message>
        <source>this process owns it, but the mode does not let the owner write</source>
        <translation>dieser Prozess ist sein Besitzer, aber der Modus erlaubt dem Besitzer kein Schreiben</translation>
    </message>
    <message>
        <source>this process is in its group, but the mode does not let the group write</source>
        <translation>dieser Prozess ist in seiner Gruppe, aber der Modus erlaubt der Gruppe kein Schreiben</translation>
    </message>
    <message>
        <source>this process is neither its owner nor in its group %1</source>
        <translation>dieser Prozess ist weder sein Besitzer noch in seiner Gruppe %1</translation>
    </message>
    <message>
        <source>the socket is owned by %1, group %2, mode %3; this process runs as uid %4 with groups %5, so %6</source>
        <translation>der Socket gehört %1, Gruppe %2, Modus %3; dieser Prozess läuft als UID %4 mit den Gruppen %5, also: %6</translation>
    </message>
</context>
<context>
    <name>QRustBridgeElement</name>
    <message>
        <source>&quot;%1&quot; was cancelled</source>
        <translation>„%1“ wurde abgebrochen</translation>
    </message>
    <message>
        <source>the parameters of &quot;%1&quot; are not JSON: %2</source>
        <translation>die Parameter von „%1“ sind kein JSON: %2</translation>
    </message>
</context>
<context>
    <name>QRustStream</name>
    <message>
        <source>the stream was destroyed while it was being iterated</source>
        <translation>der Stream wurde zerstört, während er durchlaufen wurde</translation>
    </message>
</context>
</TS>
