/**
 * The {@code mailaccess} command-line tool: {@link dev.mailaccess.cli.Main}, one class per subcommand, exit codes
 * in {@link dev.mailaccess.cli.ExitCodes}; {@link dev.mailaccess.cli.Main#run} runs it in-process without exiting.
 * It imports the library's public API only (adapters through ServiceLoader); nothing imports it.
 */
package dev.mailaccess.cli;
