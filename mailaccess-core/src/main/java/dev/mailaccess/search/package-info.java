/**
 * Search: the {@link SearchQuery} tree, its text syntax ({@link QueryParser}), the planner that splits a query between
 * server and client, and {@link SearchableMessage}, which answers a query on a local message. Public API: anyone may
 * import it. It imports only the caller-facing API and {@code internal}.
 */
package dev.mailaccess.search;
