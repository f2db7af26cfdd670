<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Converter</name>
    <message>
        <source>toJSON() threw: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot convert a cyclic structure to JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nesting is deeper than %1 levels</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QRustBridge</name>
    <message>
        <source>%1: expected a string, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected a boolean, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected a number, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected an integer, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected an object, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected an array, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 is out of range (%3 to %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the type %2 has no JSON conversion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected an enumerator name, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 is not one of %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: required field is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 does not convert to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the request is larger than maxPayloadSize (%1 bytes); nothing was sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the backend&apos;s response has no boolean &quot;success&quot; field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot tell which user runs the server on %1; refusing it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the bridge was destroyed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot send &quot;%1&quot;: the backend is not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the bridge is already started; call kill() first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backend &quot;%1&quot; not found; looked in: %2%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> and PATH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the backend was stopped by kill()</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>start was interrupted by kill()</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stream &quot;%1&quot; was silent for %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; was cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no response to &quot;%1&quot; within %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the backend did not send &quot;%1&quot; within %2 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the backend stopped before it was ready: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>socket path is %1 bytes long; this platform allows at most %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot connect to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the connection to %1 was closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the backend crashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the backend exited with code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not start %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS was requested but no TLS backend is available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no CA certificate could be read from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no client certificate could be read from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read the client key %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the client key %1 is not a PEM RSA or EC key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS verification failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a valid URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a UUID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not an ISO 8601 date and time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not an ISO 8601 date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not an ISO 8601 time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server on %1 runs as uid %2, which is neither this process&apos;s user (uid %3) nor root; add it to QRustSocketOptions::trustedServerUids to trust it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backend &quot;%1&quot; (binaryPath) is not an executable file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backend &quot;%1&quot; (binaryPath) does not exist</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot connect to %1: permission denied; %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the socket cannot be looked at (%1): a directory on the way, such as %2, does not let this process (uid %3) through</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this process owns it, but the mode does not let the owner write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this process is in its group, but the mode does not let the group write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this process is neither its owner nor in its group %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the socket is owned by %1, group %2, mode %3; this process runs as uid %4 with groups %5, so %6</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QRustBridgeElement</name>
    <message>
        <source>&quot;%1&quot; was cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the parameters of &quot;%1&quot; are not JSON: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QRustStream</name>
    <message>
        <source>the stream was destroyed while it was being iterated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
