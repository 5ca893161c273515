/**
 * The {@code mailaccess} command-line tool: {@link dev.mailaccess.cli.Main} and one class per subcommand
 * ({@code demo, capabilities, folders, list, show, search}). Exit codes are in {@link dev.mailaccess.cli.ExitCodes};
 * {@link dev.mailaccess.cli.Main#run} runs the tool in-process without exiting the JVM.
 */
package dev.mailaccess.cli;
