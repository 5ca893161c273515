/**
 * What both adapters share over Eclipse Angus Mail: Angus sessions from a config, guarded and cuttable sockets with
 * the transfer clock, trust stores, translation of failures into the library's exceptions, MIME and search terms.
 * Imported by mailaccess-imap, mailaccess-pop and the testkit only; not API, and none of its types reach core.
 */
package dev.mailaccess.angus.internal;
