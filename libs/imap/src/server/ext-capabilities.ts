/**
 * Capabilities of the issue 5 extensions, advertised only once the commands behind them are
 * wired and tested (libs/imap/src/ext/WIRING.md lists what is and is not).
 */
export const EXTENSION_CAPABILITIES: readonly string[] = ['CONDSTORE', 'QRESYNC', 'ESEARCH', 'SEARCHRES', 'WITHIN', 'SORT', 'SORT=DISPLAY', 'ESORT', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES', 'QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE', 'MULTIAPPEND', 'OBJECTID', 'PREVIEW', 'COMPRESS=DEFLATE', 'METADATA', 'BINARY', 'UTF8=ACCEPT', 'NOTIFY'];
