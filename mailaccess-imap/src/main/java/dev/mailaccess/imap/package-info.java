/**
 * The IMAP adapter over Eclipse Angus Mail: provider, session, {@code ImapFolder} with one package-private class per
 * concern behind it, and the bounded reader that reads every connection's responses in place of Angus's own.
 * Imported by nothing: MailAccess finds the provider through ServiceLoader, and callers hold only core's types.
 */
package dev.mailaccess.imap;
