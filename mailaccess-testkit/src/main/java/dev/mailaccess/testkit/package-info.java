/**
 * The test kit: contract suites every adapter runs, GreenMail and Dovecot fixtures, the counting proxy and the
 * scripted hostile server, and readers of real servers' captured output.
 * For tests only: the adapters' and tools' tests import it; no main code does.
 */
package dev.mailaccess.testkit;
