/**
 * {@code mailaccess demo}: an embedded GreenMail, demo mail, and POP3 versus IMAP on the same mailbox.
 * Imports the public API and GreenMail; only the {@code cli} package imports it.
 */
package dev.mailaccess.cli.demo;
